import { parseArgs } from 'node:util';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

export const USAGE = `usage: npm run sync -- [--dry-run] [--no-create] [--plan ID] [--full-resync] [--url URL] [--idempotency-key KEY] [--json]
  --dry-run              plan only: nothing is written; prints the plan id and the command that applies it
  --no-create            do not create IoT Security assets for devices it has never seen
  --plan ID              apply exactly the plan of an earlier dry run (refused if the inventory changed since)
  --full-resync          read the Entra directory from scratch instead of continuing from the saved delta link
  --url URL              the gateway's GraphQL endpoint (default ${DEFAULT_URL})
  --idempotency-key KEY  a retry with the same key follows the same run instead of starting another
  --json                 print the finished run as JSON instead of the summary (progress goes to stderr)
  -h, --help             this text
The API key (an operator key) comes from GATEWAY_API_KEY, never from a flag.
Exit codes: 0 succeeded, 1 the run failed or was interrupted, 2 bad usage, 3 the gateway could not be reached
or answered an error (SYNC_IN_PROGRESS, PLAN_OUTDATED, ...).`;

export interface SyncArgs {
  dryRun: boolean;
  createMissing: boolean;
  planId: string | null;
  fullResync: boolean;
  url: string;
  idempotencyKey: string | null;
  json: boolean;
}

export type ParsedArgs = { kind: 'run'; args: SyncArgs } | { kind: 'help' } | { kind: 'usage-error'; message: string };

/** Pure: argv (without node and the script) in, what to do out. Never throws, so main() owns every exit code. */
export function parseSyncArgs(argv: readonly string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'dry-run': { type: 'boolean' },
        'no-create': { type: 'boolean' },
        plan: { type: 'string' },
        'full-resync': { type: 'boolean' },
        url: { type: 'string' },
        'idempotency-key': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { kind: 'usage-error', message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { kind: 'help' };

  const url = values.url ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'usage-error', message: `--url must be an http(s) URL (got "${url}")` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { kind: 'usage-error', message: `--url must be an http(s) URL (got "${url}")` };
  // Same rule as the gateway's, checked here so a typo is a usage error rather than a round trip.
  if (values.plan !== undefined && values['dry-run']) return { kind: 'usage-error', message: '--plan applies an earlier dry run; it cannot be combined with --dry-run' };
  if (values.plan !== undefined && !values.plan.trim()) return { kind: 'usage-error', message: '--plan needs a plan id' };

  return {
    kind: 'run',
    args: {
      dryRun: values['dry-run'] ?? false,
      createMissing: !values['no-create'],
      planId: values.plan ?? null,
      fullResync: values['full-resync'] ?? false,
      url,
      idempotencyKey: values['idempotency-key'] ?? null,
      json: values.json ?? false,
    },
  };
}
