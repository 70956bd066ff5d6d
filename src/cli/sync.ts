/**
 * `npm run sync -- [--dry-run] [--no-create] [--plan ID] [--full-resync] [--url URL] [--idempotency-key KEY] [--json]`
 *
 * A client of the gateway like any other script: it starts syncDevices without waiting, polls syncRun(id) and
 * prints progress and a summary. Flags, and one variable: the API key, GATEWAY_API_KEY (read through
 * src/config.ts), since a key given as a flag would show in the process list and the shell history.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadClientSettings } from '../config.js';
import { gatewayClient, GatewayCallError, type GatewayRequest } from './gatewayClient.js';
import { DEFAULT_URL, parseSyncArgs, USAGE, type SyncArgs } from './syncArgs.js';
import { applyCommand, formatSummary, isActive, progressMilestone, renderProgress, runOutcome, SYNC_RUN_FIELDS, type SyncProgress, type SyncRunView } from './syncOutput.js';

const POLL_MS = 500;
/** Polls that may fail in a row (a gateway restarting, a dropped connection) before the CLI gives up. */
const POLL_FAILURES_TOLERATED = 5;

const START = `mutation Sync($input: SyncDevicesInput!) { syncDevices(input: $input) { ${SYNC_RUN_FIELDS} } }`;
const POLL = `query SyncRun($id: ID!) { syncRun(id: $id) { ${SYNC_RUN_FIELDS} } }`;

/** Draws progress on `out`: redrawn in place on a terminal, a line per milestone otherwise. */
function progressPrinter(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true;
  const since = performance.now();
  let lastMilestone: string | null = null;
  let drawn = false;
  return {
    show(p: SyncProgress): void {
      const elapsedMs = performance.now() - since;
      if (tty) {
        out.write(renderProgress(p, { tty, elapsedMs, columns: out.columns }));
        drawn = true;
        return;
      }
      const milestone = progressMilestone(p);
      if (milestone === lastMilestone) return;
      lastMilestone = milestone;
      out.write(renderProgress(p, { tty, elapsedMs }));
    },
    /** Leaves the bar's line so what follows starts on a fresh one. */
    end(): void {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

async function pollRun(request: GatewayRequest, id: string): Promise<SyncRunView> {
  for (let failures = 0; ; failures++) {
    try {
      const { syncRun } = await request<{ syncRun: SyncRunView | null }>(POLL, { id });
      if (!syncRun) throw new GatewayCallError(`the gateway no longer knows sync run ${id}`, 'NOT_FOUND');
      return syncRun;
    } catch (err) {
      const transient = err instanceof GatewayCallError && err.code === 'UNREACHABLE';
      if (!transient || failures + 1 >= POLL_FAILURES_TOLERATED) throw err;
      await sleep(POLL_MS * 2 ** failures);
    }
  }
}

async function sync(args: SyncArgs): Promise<number> {
  const { apiKey } = loadClientSettings();
  const request = gatewayClient(args.url, { apiKey });
  // With --json, stdout carries only the JSON, so progress moves to stderr.
  const printer = progressPrinter(args.json ? process.stderr : process.stdout);
  let runId: string | null = null;

  // Ctrl-C stops watching, not the run: say which run goes on so it can be followed or awaited.
  process.once('SIGINT', () => {
    printer.end();
    process.stderr.write(runId ? `sync: stopped watching; run ${runId} goes on in the gateway (query syncRun(id: "${runId}"))\n` : 'sync: interrupted\n');
    process.exit(130);
  });

  let run: SyncRunView;
  try {
    const input = { dryRun: args.dryRun, createMissing: args.createMissing, planId: args.planId, fullResync: args.fullResync, idempotencyKey: args.idempotencyKey, wait: false };
    run = (await request<{ syncDevices: SyncRunView }>(START, { input })).syncDevices;
    runId = run.id;
    printer.show(run.progress);
    while (isActive(run.status)) {
      await sleep(POLL_MS);
      try {
        run = await pollRun(request, run.id);
      } catch (err) {
        if (err instanceof GatewayCallError) throw new GatewayCallError(`${err.message}; run ${run.id} may still be going`, err.code);
        throw err;
      }
      printer.show(run.progress);
    }
    printer.end();
  } catch (err) {
    printer.end();
    if (!(err instanceof GatewayCallError)) throw err;
    process.stderr.write(`sync: ${err.message} (${err.code})\n`);
    if (err.code === 'UNAUTHENTICATED' && !apiKey) process.stderr.write('sync: set GATEWAY_API_KEY to an operator key (npm run apikey -- create --name NAME --role operator)\n');
    return 3;
  }

  if (args.json) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else process.stdout.write(formatSummary(run, applyCommand(run, args.url, DEFAULT_URL)));
  const outcome = runOutcome(run);
  if (outcome.error) process.stderr.write(`sync: ${outcome.error.message} (${outcome.error.code})\n`);
  else if (outcome.exitCode !== 0) process.stderr.write(`sync: run ${run.id} ${run.status}${run.errors[0] ? `: ${run.errors[0]}` : ''}\n`);
  return outcome.exitCode;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSyncArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    process.stderr.write(`sync: ${parsed.message}\n${USAGE}\n`);
    return 2;
  }
  return sync(parsed.args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bug, not a gateway answer: the message only, as elsewhere no request body is echoed.
    process.stderr.write(`sync: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
