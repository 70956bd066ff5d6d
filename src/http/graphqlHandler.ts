import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../context.js';

/**
 * Apollo Server on a plain node:http server. Apollo does the GraphQL work (parsing, validation, CSRF
 * prevention, error formatting); this adapter only moves the request in and the answer out.
 */
export async function handleGraphql(
  apollo: ApolloServer<GatewayContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  context: () => Promise<GatewayContext>,
): Promise<number> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let parsed: unknown = body;
  if (req.method === 'POST' && (headers.get('content-type') ?? '').includes('application/json')) {
    try {
      parsed = body ? JSON.parse(body) : {};
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
      return 400;
    }
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: parsed },
    context,
  });
  const status = result.status ?? 200;
  // Answers are per caller and change with every refresh: no shared cache may keep one.
  res.setHeader('cache-control', 'no-store');
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = status;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
  } else {
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }
  return status;
}
