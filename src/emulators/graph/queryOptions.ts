import type { EmulatorRequest } from '../http/router.js';

/** A system query option by name; Graph reads `$top`, `$TOP` and `$Top` alike. */
export function option(req: EmulatorRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of req.url.searchParams) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function hasOption(req: EmulatorRequest, name: string): boolean {
  return option(req, name) !== undefined;
}

/** `ConsistencyLevel: eventual`, the header that turns on the directory's advanced query engine. */
export function eventual(req: EmulatorRequest): boolean {
  return req.headers.consistencylevel?.trim().toLowerCase() === 'eventual';
}

export function countRequested(req: EmulatorRequest): boolean {
  return option(req, '$count')?.toLowerCase() === 'true';
}

/** `$orderby=prop [asc|desc]` for one property; undefined when absent, null when it is not that shape. */
export function parseOrderBy(raw: string | undefined): { property: string; descending: boolean } | null | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*([A-Za-z]\w*)(?:\s+(asc|desc))?\s*$/i.exec(raw);
  if (!m) return null;
  return { property: m[1]!, descending: m[2]?.toLowerCase() === 'desc' };
}
