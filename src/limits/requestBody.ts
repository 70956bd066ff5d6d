import type { IncomingMessage } from 'node:http';

/**
 * The request body as text, or null when it is larger than `maxBytes` (the caller answers 413). A declared
 * Content-Length over the limit is refused without reading; otherwise reading stops at the limit and the rest is
 * drained unbuffered, so an oversized body costs the gateway no memory.
 */
export function readBodyWithin(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) resolve(null);
      else chunks.push(c);
    });
    req.on('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
