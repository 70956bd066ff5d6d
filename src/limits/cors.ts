import type { IncomingMessage, ServerResponse } from 'node:http';

/** A header list as browsers send it in Access-Control-Request-Headers. */
const HEADER_LIST = /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/;

/**
 * CORS for the API, off unless CORS_ORIGINS lists origins. Off means no Access-Control-* header at all: a page on
 * another origin can still send a simple request (Apollo's CSRF prevention refuses those), but never reads an answer.
 * On, only the listed origins get Access-Control-Allow-Origin, and their preflights are answered here.
 *
 * Returns the status when it answered the request itself (a preflight), undefined when the caller goes on.
 */
export function createCors(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => number | undefined {
  const allowed = new Set(origins);
  return (req, res) => {
    if (allowed.size === 0) return undefined;
    // The answer depends on Origin: caches in between must not hand one origin's answer to another.
    res.appendHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return undefined;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'x-request-id');
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return undefined;
    const requested = req.headers['access-control-request-headers'];
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      // Whatever headers the listed origin asks for (content-type, authorization, apollo-require-preflight…):
      // the origin is trusted, and the API checks credentials itself.
      'access-control-allow-headers': requested && HEADER_LIST.test(requested) ? requested : 'content-type, authorization, apollo-require-preflight',
      'access-control-max-age': '600',
    });
    res.end();
    return 204;
  };
}
