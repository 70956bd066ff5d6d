/**
 * What `npm run sync` prints, as pure functions of the run the gateway reports, so every line can be unit-tested
 * without a gateway or a terminal.
 */

export type SyncStatus = 'PLANNING' | 'APPLYING' | 'SUCCEEDED' | 'FAILED' | 'INTERRUPTED';
export type SyncPhase = 'FETCHING' | 'PLANNING' | 'APPLYING' | 'DONE';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number;
}

/** The SyncRun fields the CLI asks for (schema/sync.graphql), as they come over the wire. */
export interface SyncRunView {
  id: string;
  trigger: string;
  dryRun: boolean;
  createMissing: boolean;
  status: SyncStatus;
  progress: SyncProgress;
  startedAt: string;
  finishedAt: string | null;
  planId: string | null;
  counts: { updates: number; creates: number; skips: number; unchanged: number; skipsByReason: Array<{ key: string | null; count: number }> } | null;
  applied: number;
  failed: number;
  upstream: { graphRequests: number; iotRequests: number; iotWrites: number; throttled: number };
  errors: string[];
}

export const SYNC_RUN_FIELDS = `
  id trigger dryRun createMissing status
  progress { phase done total }
  startedAt finishedAt planId
  counts { updates creates skips unchanged skipsByReason { key count } }
  applied failed
  upstream { graphRequests iotRequests iotWrites throttled }
  errors`;

export function isActive(status: SyncStatus): boolean {
  return status === 'PLANNING' || status === 'APPLYING';
}

function percent(p: SyncProgress): number {
  // A finished run is complete even when nothing was written (a dry run keeps done at 0); before the plan
  // exists total is 0 and there is nothing to measure yet.
  if (p.phase === 'DONE') return 100;
  if (p.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((p.done * 100) / p.total)));
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))}s`;
}

const BAR_WIDTH = 24;

/**
 * One progress report. On a TTY: a bar that starts with `\r` and ends by clearing the rest of the line, so each
 * redraw replaces the last one in place. Otherwise: a whole line, so CI logs read top to bottom.
 * `columns` (the terminal's width) keeps the bar on one line; a wrapped line could not be redrawn.
 */
export function renderProgress(p: SyncProgress, options: { tty: boolean; elapsedMs: number; columns?: number }): string {
  const pct = percent(p);
  const counts = `${p.done}/${p.total}`;
  if (!options.tty) return `sync: ${p.phase} ${counts} (${pct}%) after ${seconds(options.elapsedMs)}\n`;
  const filled = Math.round((pct / 100) * BAR_WIDTH);
  let line = `${p.phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${counts} ${String(pct).padStart(3)}% ${seconds(options.elapsedMs)}`;
  if (options.columns && options.columns > 1 && line.length >= options.columns) line = line.slice(0, options.columns - 1);
  return `\r${line}\x1b[K`;
}

/**
 * Plain output prints a line when this key changes: at every phase change and every 10% of apply progress.
 * Polling every half second would otherwise log hundreds of identical lines.
 */
export function progressMilestone(p: SyncProgress): string {
  return p.phase === 'APPLYING' && p.total > 0 ? `${p.phase}:${Math.floor(percent(p) / 10)}` : p.phase;
}

/** The command that applies a dry run's plan, with the flags the plan depends on. */
export function applyCommand(run: Pick<SyncRunView, 'planId' | 'createMissing'>, url: string, defaultUrl: string): string | null {
  if (!run.planId) return null;
  const flags = [`--plan ${run.planId}`];
  // The plan was made with or without creates; applying it the other way would find it outdated.
  if (!run.createMissing) flags.push('--no-create');
  if (url !== defaultUrl) flags.push(`--url ${url}`);
  return `npm run sync -- ${flags.join(' ')}`;
}

function durationMs(run: SyncRunView): number | null {
  if (!run.finishedAt) return null;
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return Number.isFinite(ms) ? ms : null;
}

/** The summary printed when a run ends. `apply` is the command from applyCommand, shown for a successful dry run. */
export function formatSummary(run: SyncRunView, apply: string | null): string {
  const line = (label: string, value: string): string => `${label.padEnd(10)}${value}`;
  const out = [line('run', run.id), line('status', run.status), line('dry run', run.dryRun ? 'yes (nothing was written)' : 'no')];
  out.push(line('plan', run.planId ?? 'none (the run stopped before it had a plan)'));
  if (run.dryRun && run.status === 'SUCCEEDED' && apply) out.push(line('apply it', apply));
  if (run.counts) {
    const c = run.counts;
    out.push(line('counts', `${c.updates} updates, ${c.creates} creates, ${c.unchanged} unchanged, ${c.skips} skips`));
    if (c.skipsByReason.length > 0) out.push(line('skips', c.skipsByReason.map((s) => `${s.key ?? 'UNKNOWN'} ${s.count}`).join(', ')));
  }
  out.push(line('outcome', `${run.applied} applied, ${run.failed} failed`));
  const u = run.upstream;
  out.push(line('upstream', `${u.graphRequests} graph, ${u.iotRequests} iot, ${u.iotWrites} iot writes, ${u.throttled} throttled`));
  const took = durationMs(run);
  if (took !== null) out.push(line('took', `${(took / 1000).toFixed(1)}s`));
  if (run.errors.length === 0) out.push(line('errors', 'none'));
  else out.push(line('errors', String(run.errors.length)), ...run.errors.map((e) => `  - ${e}`));
  return out.join('\n') + '\n';
}

export interface RunOutcome {
  exitCode: 0 | 1 | 3;
  /** For a run that ended as an error the gateway would have raised had we waited (PLAN_OUTDATED). */
  error?: { code: string; message: string };
}

/**
 * 0 succeeded, 1 failed or interrupted. A plan refused as outdated is reported the way the gateway reports it to a
 * caller that waits (a PLAN_OUTDATED error, exit 3), so the exit code does not depend on how the CLI polls.
 */
export function runOutcome(run: SyncRunView): RunOutcome {
  if (run.status === 'SUCCEEDED') return { exitCode: 0 };
  const outdated = run.errors.find((e) => e.startsWith('PLAN_OUTDATED'));
  if (outdated) return { exitCode: 3, error: { code: 'PLAN_OUTDATED', message: outdated.replace(/^PLAN_OUTDATED:\s*/, '') } };
  return { exitCode: 1 };
}
