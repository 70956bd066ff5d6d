/**
 * Opaque page and delta tokens. Graph's tokens are opaque strings clients must pass back untouched; ours
 * carry their state (cursor, $select, round start) so the emulator keeps no per-client sessions. A prefix
 * names the token kind, so a skiptoken of one collection is never read as another's.
 */
export function encodeToken(kind: string, payload: unknown): string {
  return `${kind}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

/** The payload, or undefined for a token of another kind or one that was tampered with. */
export function decodeToken(kind: string, token: string): unknown {
  if (!token.startsWith(`${kind}.`)) return undefined;
  try {
    return JSON.parse(Buffer.from(token.slice(kind.length + 1), 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
