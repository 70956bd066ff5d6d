import type Database from 'better-sqlite3';
import type { ApiKeyRecord, Store } from './types.js';

/** The API keys' part of the Store interface. */
export type ApiKeyStore = Pick<Store, 'createApiKey' | 'findApiKeyByHash' | 'listApiKeys' | 'revokeApiKey' | 'touchApiKey'>;

interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRecord['role'];
  key_hash: string;
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const ROLES: ReadonlySet<string> = new Set<ApiKeyRecord['role']>(['reader', 'operator']);

/**
 * API keys in SQLite. Creating and revoking run in `BEGIN IMMEDIATE` transactions, so the gateway and
 * `npm run apikey` (another process on the same file) cannot both hand out one name.
 */
export function openApiKeys(db: Database.Database): ApiKeyStore {
  const statements = {
    insert: db.prepare(
      `INSERT INTO api_keys (id, name, role, key_hash, key_prefix, created_at, last_used_at, revoked_at)
       VALUES (@id, @name, @role, @key_hash, @key_prefix, @created_at, @last_used_at, @revoked_at)`,
    ),
    activeByName: db.prepare('SELECT * FROM api_keys WHERE name = ? AND revoked_at IS NULL'),
    byHash: db.prepare('SELECT * FROM api_keys WHERE key_hash = ?'),
    active: db.prepare('SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY name, created_at'),
    all: db.prepare('SELECT * FROM api_keys ORDER BY name, created_at'),
    revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?'),
    touch: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
  };

  const revokeActive = (name: string, at: string): ApiKeyRecord | null => {
    const row = statements.activeByName.get(name) as ApiKeyRow | undefined;
    if (row === undefined) return null;
    statements.revoke.run(at, row.id);
    return fromRow({ ...row, revoked_at: at });
  };

  const create = db.transaction((record: ApiKeyRecord, replaceActive: boolean): ReturnType<ApiKeyStore['createApiKey']> => {
    if (!ROLES.has(record.role)) throw new Error(`store: unknown API key role "${record.role}"`);
    if (replaceActive) revokeActive(record.name, record.createdAt);
    else if (statements.activeByName.get(record.name) !== undefined) return { ok: false, reason: 'name-taken' };
    statements.insert.run(toRow(record));
    return { ok: true };
  });
  const revoke = db.transaction(revokeActive);

  return {
    createApiKey: (record, options = {}) => create.immediate(record, options.replaceActive ?? false),
    findApiKeyByHash: (hash) => {
      const row = statements.byHash.get(hash) as ApiKeyRow | undefined;
      return row === undefined ? null : fromRow(row);
    },
    listApiKeys: (options = {}) => ((options.includeRevoked ? statements.all : statements.active).all() as ApiKeyRow[]).map(fromRow),
    revokeApiKey: (name, at) => revoke.immediate(name, at),
    touchApiKey: (id, at) => {
      statements.touch.run(at, id);
    },
  };
}

function toRow(record: ApiKeyRecord): ApiKeyRow {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    key_hash: record.hash,
    key_prefix: record.prefix,
    created_at: record.createdAt,
    last_used_at: record.lastUsedAt,
    revoked_at: record.revokedAt,
  };
}

function fromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    hash: row.key_hash,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
