/**
 * `npm run apikey -- create --name NAME --role reader|operator | list [--all] [--json] | revoke --name NAME`
 *
 * Works on DATA_DIR's store directly, so it needs no running gateway and no credential of its own: whoever can
 * write DATA_DIR already holds every key's fate. The gateway looks keys up on every request, so a key created here
 * works at once, and a revoked one stops at once, without a restart.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiKeyInputError, createApiKey } from '../auth/apiKeys.js';
import { isRole } from '../auth/roles.js';
import { ConfigError, loadConfig } from '../config.js';
import { openSqliteStore } from '../store/sqliteStore.js';
import type { ApiKeyRecord, Store } from '../store/types.js';

const USAGE = `usage: npm run apikey -- <command>
  create --name NAME --role reader|operator   make a key; it is printed once, on stdout, and never again
  list [--all] [--json]                       the keys (names, roles, prefixes, dates; never the keys); --all adds revoked ones
  revoke --name NAME                          revoke the active key with that name, at once
The store is DATA_DIR/gateway.sqlite (DATA_DIR as the gateway reads it). Exit codes: 0 done, 1 refused (a name
in use, no such key), 2 bad usage.`;

type Command =
  | { kind: 'create'; name: string; role: 'reader' | 'operator' }
  | { kind: 'list'; all: boolean; json: boolean }
  | { kind: 'revoke'; name: string }
  | { kind: 'help' };

/** Pure: argv in, what to do out; a string is a usage error. */
function parseApiKeyArgs(argv: readonly string[]): Command | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { name: { type: 'string' }, role: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, ...extra] = positionals;
  if (extra.length > 0) return `unexpected argument "${extra[0]}"`;
  switch (command) {
    case 'create':
      if (!values.name) return 'create needs --name';
      if (!isRole(values.role)) return `create needs --role reader or --role operator${values.role ? ` (got "${values.role}")` : ''}`;
      return { kind: 'create', name: values.name, role: values.role };
    case 'list':
      return { kind: 'list', all: values.all ?? false, json: values.json ?? false };
    case 'revoke':
      if (!values.name) return 'revoke needs --name';
      return { kind: 'revoke', name: values.name };
    case undefined:
      return 'name a command: create, list or revoke';
    default:
      return `unknown command "${command}"`;
  }
}

function table(keys: readonly ApiKeyRecord[]): string {
  const rows = [['NAME', 'ROLE', 'KEY', 'CREATED', 'LAST USED', 'REVOKED']].concat(
    keys.map((k) => [k.name, k.role, `${k.prefix}…`, k.createdAt, k.lastUsedAt ?? 'never', k.revokedAt ?? '-']),
  );
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function run(command: Exclude<Command, { kind: 'help' }>, store: Store): number {
  switch (command.kind) {
    case 'create': {
      const { key } = createApiKey(store, { name: command.name, role: command.role });
      // stdout carries the key alone, so `KEY=$(npm run -s apikey -- create …)` captures exactly it.
      process.stdout.write(`${key}\n`);
      process.stderr.write(
        `apikey: created "${command.name}" (${command.role}). This is the only time the key is shown: store it now.\n` +
          '        Send it as "x-api-key: <key>" or "Authorization: ApiKey <key>"; npm run sync reads it from GATEWAY_API_KEY.\n',
      );
      return 0;
    }
    case 'list': {
      const keys = store.listApiKeys({ includeRevoked: command.all });
      if (command.json) {
        // Everything but the hash: it is not the key, but there is no reason to hand it out either.
        process.stdout.write(JSON.stringify(keys.map(({ hash: _hash, ...k }) => k), null, 2) + '\n');
      } else if (keys.length === 0) process.stderr.write('apikey: no keys; make one with: npm run apikey -- create --name NAME --role reader\n');
      else process.stdout.write(table(keys));
      return 0;
    }
    case 'revoke': {
      const revoked = store.revokeApiKey(command.name, new Date().toISOString());
      if (!revoked) {
        process.stderr.write(`apikey: no active key named "${command.name}" (npm run apikey -- list)\n`);
        return 1;
      }
      process.stderr.write(`apikey: revoked "${command.name}"; requests with it are refused from now on\n`);
      return 0;
    }
  }
}

function main(argv: readonly string[]): number {
  const command = parseApiKeyArgs(argv);
  if (typeof command === 'string') {
    process.stderr.write(`apikey: ${command}\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let dataDir: string;
  try {
    ({ dataDir } = loadConfig());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`apikey: ${err.message}\n`);
    return 2;
  }
  mkdirSync(dataDir, { recursive: true });
  const store = openSqliteStore(path.join(dataDir, 'gateway.sqlite'));
  try {
    return run(command, store);
  } catch (err) {
    if (!(err instanceof ApiKeyInputError)) throw err;
    process.stderr.write(`apikey: ${err.message}\n`);
    return 1;
  } finally {
    store.close();
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`apikey: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
