import { fetch } from 'undici';

export interface GraphqlAnswer<T> {
  data?: T;
  errors?: Array<{ message: string; path?: unknown; extensions?: { code?: string } }>;
}

/** One POST /graphql; resolves with the answer and the client-side wall time. */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ answer: GraphqlAnswer<T>; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await res.json()) as GraphqlAnswer<T>;
  const ms = performance.now() - started;
  if (!res.ok && !answer.errors) throw new Error(`graphql: HTTP ${res.status}`);
  return { answer, ms };
}

export function firstError(answer: GraphqlAnswer<unknown>): string | null {
  const e = answer.errors?.[0];
  return e ? `${e.extensions?.code ?? 'ERROR'}: ${e.message}` : null;
}
