import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSyncArgs, USAGE } from '../../src/cli/syncArgs.js';
import { applyCommand, formatSummary, progressMilestone, renderProgress, runOutcome, type SyncRunView } from '../../src/cli/syncOutput.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The operator key the CLI sends (GATEWAY_API_KEY), once the gateway below has made one. */
let apiKey: string | undefined;

/** Runs the CLI as a user would, in a child process whose stdout is a pipe (not a TTY). */
function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(apiKey ? { GATEWAY_API_KEY: apiKey } : {}) };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/sync.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function counts(stdout: string): { updates: number; creates: number; unchanged: number; skips: number } {
  const m = /^counts\s+(\d+) updates, (\d+) creates, (\d+) unchanged, (\d+) skips$/m.exec(stdout);
  if (!m) throw new Error(`no counts line in:\n${stdout}`);
  return { updates: Number(m[1]), creates: Number(m[2]), unchanged: Number(m[3]), skips: Number(m[4]) };
}

function outcome(stdout: string): { applied: number; failed: number } {
  const m = /^outcome\s+(\d+) applied, (\d+) failed$/m.exec(stdout);
  if (!m) throw new Error(`no outcome line in:\n${stdout}`);
  return { applied: Number(m[1]), failed: Number(m[2]) };
}

const RUN: SyncRunView = {
  id: 'run-1',
  trigger: 'api',
  dryRun: true,
  createMissing: true,
  status: 'SUCCEEDED',
  progress: { phase: 'DONE', done: 0, total: 12 },
  startedAt: '2026-11-01T00:00:00.000Z',
  finishedAt: '2026-11-01T00:00:03.400Z',
  planId: 'plan-1',
  counts: { updates: 9, creates: 3, skips: 5, unchanged: 40, skipsByReason: [{ key: 'NO_IDENTIFYING_MAC', count: 4 }, { key: 'STALE', count: 1 }] },
  applied: 0,
  failed: 0,
  upstream: { graphRequests: 14, iotRequests: 6, iotWrites: 0, throttled: 1 },
  errors: [],
};

describe('sync CLI: progress rendering', () => {
  it('draws a bar in place on a TTY', () => {
    const out = renderProgress({ phase: 'APPLYING', done: 45, total: 100 }, { tty: true, elapsedMs: 12_300 });
    expect(out.startsWith('\r')).toBe(true);
    expect(out.endsWith('\x1b[K')).toBe(true);
    expect(out).not.toContain('\n');
    expect(out).toBe(`\rAPPLYING [${'#'.repeat(11)}${'.'.repeat(13)}] 45/100  45% 12s\x1b[K`);
  });

  it('keeps the bar within the terminal width, so it never wraps', () => {
    const out = renderProgress({ phase: 'APPLYING', done: 1, total: 3 }, { tty: true, elapsedMs: 0, columns: 20 });
    expect(out.replace('\r', '').replace('\x1b[K', '')).toHaveLength(19);
  });

  it('shows an empty bar before there is a plan and a full one when done', () => {
    expect(renderProgress({ phase: 'FETCHING', done: 0, total: 0 }, { tty: true, elapsedMs: 0 })).toContain(`[${'.'.repeat(24)}] 0/0   0%`);
    expect(renderProgress({ phase: 'DONE', done: 0, total: 0 }, { tty: true, elapsedMs: 0 })).toContain(`[${'#'.repeat(24)}] 0/0 100%`);
  });

  it('writes whole lines otherwise', () => {
    expect(renderProgress({ phase: 'APPLYING', done: 45, total: 100 }, { tty: false, elapsedMs: 12_300 })).toBe('sync: APPLYING 45/100 (45%) after 12s\n');
    expect(renderProgress({ phase: 'FETCHING', done: 0, total: 0 }, { tty: false, elapsedMs: 0 })).toBe('sync: FETCHING 0/0 (0%) after 0s\n');
  });

  it('marks a milestone at each phase change and each 10% of applying', () => {
    const keys = [
      { phase: 'FETCHING', done: 0, total: 0 },
      { phase: 'PLANNING', done: 0, total: 0 },
      { phase: 'APPLYING', done: 0, total: 200 },
      { phase: 'APPLYING', done: 19, total: 200 },
      { phase: 'APPLYING', done: 20, total: 200 },
      { phase: 'APPLYING', done: 39, total: 200 },
      { phase: 'APPLYING', done: 200, total: 200 },
      { phase: 'DONE', done: 200, total: 200 },
    ].map((p) => progressMilestone(p as never));
    expect(keys).toEqual(['FETCHING', 'PLANNING', 'APPLYING:0', 'APPLYING:0', 'APPLYING:1', 'APPLYING:1', 'APPLYING:10', 'DONE']);
  });
});

describe('sync CLI: summary, outcome and flags', () => {
  it('summarises a dry run with the command that applies it', () => {
    const apply = applyCommand(RUN, 'http://127.0.0.1:4000/graphql', 'http://127.0.0.1:4000/graphql');
    expect(apply).toBe('npm run sync -- --plan plan-1');
    expect(formatSummary(RUN, apply)).toBe(
      [
        'run       run-1',
        'status    SUCCEEDED',
        'dry run   yes (nothing was written)',
        'plan      plan-1',
        'apply it  npm run sync -- --plan plan-1',
        'counts    9 updates, 3 creates, 40 unchanged, 5 skips',
        'skips     NO_IDENTIFYING_MAC 4, STALE 1',
        'outcome   0 applied, 0 failed',
        'upstream  14 graph, 6 iot, 0 iot writes, 1 throttled',
        'took      3.4s',
        'errors    none',
        '',
      ].join('\n'),
    );
  });

  it('keeps the flags a plan depends on in the apply command', () => {
    expect(applyCommand({ planId: 'p', createMissing: false }, 'http://gw:4000/graphql', 'http://127.0.0.1:4000/graphql')).toBe('npm run sync -- --plan p --no-create --url http://gw:4000/graphql');
  });

  it('maps the final status to an exit code', () => {
    expect(runOutcome(RUN).exitCode).toBe(0);
    expect(runOutcome({ ...RUN, status: 'FAILED', errors: ['boom'] }).exitCode).toBe(1);
    expect(runOutcome({ ...RUN, status: 'INTERRUPTED' }).exitCode).toBe(1);
    expect(runOutcome({ ...RUN, status: 'FAILED', errors: ['PLAN_OUTDATED: the inventory changed'] })).toEqual({
      exitCode: 3,
      error: { code: 'PLAN_OUTDATED', message: 'the inventory changed' },
    });
  });

  it('parses flags and refuses bad usage', () => {
    expect(parseSyncArgs([])).toEqual({
      kind: 'run',
      args: { dryRun: false, createMissing: true, planId: null, fullResync: false, url: 'http://127.0.0.1:4000/graphql', idempotencyKey: null, json: false },
    });
    expect(parseSyncArgs(['--no-create', '--plan', 'p', '--full-resync', '--idempotency-key', 'k1', '--json', '--url', 'https://gw/graphql'])).toEqual({
      kind: 'run',
      args: { dryRun: false, createMissing: false, planId: 'p', fullResync: true, url: 'https://gw/graphql', idempotencyKey: 'k1', json: true },
    });
    expect(parseSyncArgs(['--help'])).toEqual({ kind: 'help' });
    for (const bad of [['--bogus'], ['positional'], ['--plan'], ['--dry-run', '--plan', 'p'], ['--url', 'not a url'], ['--url', 'ftp://x/']]) {
      expect(parseSyncArgs(bad).kind, bad.join(' ')).toBe('usage-error');
    }
  });
});

describe('sync CLI against the gateway', () => {
  let gw: TestGateway;
  let url: string;

  beforeAll(async () => {
    gw = await startTestGateway({ size: 150 });
    apiKey = gw.operatorKey;
    url = `${gw.url}/graphql`;
  });
  afterAll(async () => {
    await gw?.close();
  });

  let planId: string;
  let planned: ReturnType<typeof counts>;

  it('--dry-run plans, prints the counts, the plan id and the command that applies it', async () => {
    const res = await runCli(['--url', url, '--dry-run']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^status\s+SUCCEEDED$/m);
    expect(res.stdout).toMatch(/^dry run\s+yes/m);
    planned = counts(res.stdout);
    expect(planned.updates + planned.creates).toBeGreaterThan(0);
    const plan = /^plan\s+(\S+)$/m.exec(res.stdout);
    expect(plan).not.toBeNull();
    planId = plan![1]!;
    // The URL is not the default one, so the command carries it.
    expect(res.stdout).toContain(`npm run sync -- --plan ${planId} --url ${url}`);
    expect(outcome(res.stdout)).toEqual({ applied: 0, failed: 0 });
    // Not a TTY: whole progress lines, no carriage returns.
    expect(res.stdout).toMatch(/^sync: FETCHING /m);
    expect(res.stdout).toMatch(/^sync: DONE /m);
    expect(res.stdout).not.toContain('\r');
  }, 60_000);

  it('--plan applies that plan', async () => {
    const res = await runCli(['--url', url, '--plan', planId]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^dry run\s+no$/m);
    expect(res.stdout).toMatch(new RegExp(`^plan\\s+${planId}$`, 'm'));
    const { applied, failed } = outcome(res.stdout);
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBe(planned.updates + planned.creates);
    expect(failed).toBe(0);
    // A plan this small applies within one poll, so APPLYING itself may never be seen; DONE always is.
    expect(res.stdout).toMatch(/^sync: DONE \d+\/\d+ \(100%\)/m);
    expect(res.stdout).toMatch(/^upstream\s+\d+ graph, \d+ iot, [1-9]\d* iot writes, \d+ throttled$/m);
  }, 60_000);

  it('a second sync finds nothing left to write', async () => {
    const res = await runCli(['--url', url]);
    expect(res.code, res.stderr).toBe(0);
    const again = counts(res.stdout);
    expect(again.updates).toBe(0);
    expect(again.creates).toBe(0);
    expect(outcome(res.stdout)).toEqual({ applied: 0, failed: 0 });
  }, 60_000);

  it('--json prints the finished run as JSON, progress on stderr', async () => {
    const res = await runCli(['--url', url, '--dry-run', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const run = JSON.parse(res.stdout) as SyncRunView;
    expect(run).toMatchObject({ status: 'SUCCEEDED', dryRun: true, counts: { updates: 0, creates: 0 } });
    expect(res.stderr).toMatch(/^sync: DONE /m);
  }, 60_000);

  it('an unknown plan is a gateway error: exit 3 with its code', async () => {
    const res = await runCli(['--url', url, '--plan', 'no-such-plan']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/no plan no-such-plan.*\(NOT_FOUND\)/);
    expect(res.stdout).toBe('');
  }, 30_000);

  it('an unknown flag exits 2 with the usage', async () => {
    const res = await runCli(['--url', url, '--bogus']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("Unknown option '--bogus'");
    expect(res.stderr).toContain(USAGE);
    expect(res.stdout).toBe('');
  }, 30_000);

  it('a gateway that cannot be reached exits 3', async () => {
    const res = await runCli(['--url', `http://127.0.0.1:${await closedPort()}/graphql`]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/could not reach the gateway .*ECONNREFUSED.*\(UNREACHABLE\)/);
  }, 30_000);

  it('a sync that fails exits 1 and prints the error', async () => {
    await gw.iot.faults({ rate503: 1 });
    try {
      const res = await runCli(['--url', url]);
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/^status\s+FAILED$/m);
      expect(res.stdout).toMatch(/^errors\s+[1-9]/m);
      expect(res.stdout).toContain('a source could not be read completely');
      expect(res.stderr).toMatch(/^sync: run \S+ FAILED: a source could not be read completely/m);
    } finally {
      await gw.iot.faults({ rate503: 0 });
    }
  }, 120_000);
});
