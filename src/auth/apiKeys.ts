import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRecord, Store } from '../store/types.js';
import type { Role } from './roles.js';

/**
 * API keys for scripts: `eig_` and 43 base64url characters of 32 random bytes.
 *
 * Why SHA-256 and not scrypt: a slow, salted hash protects *guessable* secrets (passwords) from a stolen database,
 * by making each guess expensive. A 256-bit random key cannot be guessed however fast the hash is (2^256 tries), so
 * a stolen table of SHA-256 digests gives nothing away, and a fast unsalted hash lets the gateway look a key up by
 * its digest through an index on every request instead of spending ~50 ms of CPU per request on scrypt. For the
 * same reason comparing digests through an index leaks nothing useful: timing can reveal at most the digest of a
 * wrong guess, never the key.
 *
 * The prefix makes a leaked key recognisable (secret scanners, log review) and tells it apart from a JWT.
 */
export const API_KEY_PREFIX = 'eig_';
const API_KEY_SHAPE = /^eig_[A-Za-z0-9_-]{43}$/;
/** Names appear in logs and the sync ledger (`apikey:<name>`), so they stay short and plain. */
const NAME_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** How stale `lastUsedAt` may get before a request writes it again. */
const TOUCH_INTERVAL_MS = 60_000;

export class ApiKeyInputError extends Error {
  override name = 'ApiKeyInputError';
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function isApiKeyShaped(value: string): boolean {
  return API_KEY_SHAPE.test(value);
}

export function checkKeyName(name: string): void {
  if (!NAME_SHAPE.test(name)) throw new ApiKeyInputError(`a key name is 1 to 64 letters, digits or ._@- and starts with a letter or digit (got "${name.slice(0, 80)}")`);
}

/** Makes a key and stores its hash. The key is in the answer and nowhere else: show it once. */
export function createApiKey(store: Store, options: { name: string; role: Role; replaceActive?: boolean }): { key: string; record: ApiKeyRecord } {
  checkKeyName(options.name);
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const record: ApiKeyRecord = {
    id: randomUUID(),
    name: options.name,
    role: options.role,
    hash: hashApiKey(key),
    prefix: key.slice(0, API_KEY_PREFIX.length + 4),
    createdAt: new Date().toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  const created = store.createApiKey(record, { replaceActive: options.replaceActive ?? false });
  if (!created.ok) throw new ApiKeyInputError(`an active key is already named "${options.name}"; revoke it first (npm run apikey -- revoke --name ${options.name}) or choose another name`);
  return { key, record };
}

/**
 * The active key this is, or why not. A revoked key and an unknown one get the same answer from the caller's
 * point of view; the distinction is for the log.
 */
export function findApiKey(store: Store, key: string): { ok: true; record: ApiKeyRecord } | { ok: false; revoked: ApiKeyRecord | null } {
  // A malformed key cannot be one of ours: no need to hash it or touch the store.
  if (!isApiKeyShaped(key)) return { ok: false, revoked: null };
  const record = store.findApiKeyByHash(hashApiKey(key));
  if (record === null || record.revokedAt !== null) return { ok: false, revoked: record };
  if (record.lastUsedAt === null || Date.now() - Date.parse(record.lastUsedAt) > TOUCH_INTERVAL_MS) {
    try {
      store.touchApiKey(record.id, new Date().toISOString());
    } catch {
      // Bookkeeping only: a database busy with another process's write must not refuse a good key.
    }
  }
  return { ok: true, record };
}
