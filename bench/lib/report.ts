/** The tables (Markdown, so the README can carry them as printed) and the goals checked against the figures. */
import type { RefreshRecord } from '../../src/store/types.js';
import type { LoadResult } from '../scenarios/dashboard.js';
import type { FanOutResult } from '../scenarios/fanOut.js';
import type { NaiveSyncResult, SyncResult } from '../scenarios/fullSync.js';
import type { GrowthStep } from '../scenarios/growth.js';
import type { ResyncResult } from '../scenarios/resync.js';

export interface SizeResult {
  size: number;
  startup: { ms: number; refresh: RefreshRecord };
  full: SyncResult;
  resync: ResyncResult;
  fanOut: FanOutResult | undefined;
  dashboard: LoadResult[];
  naiveSync: NaiveSyncResult | undefined;
  /** The gateway process's VmHWM at the end of its life (after the dashboard load). */
  gatewayPeakRssMiB: number;
  /** os.loadavg() (1, 5, 15 min) at points of the run. */
  loads: Record<string, number[]>;
}

export interface Goal {
  goal: string;
  target: string;
  figure: string;
  met: boolean | null;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const min = (ms: number): string => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : s(ms));
const x = (n: number): string => `${n.toFixed(2)}×`;
const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
const pct = (n: number): string => `${(n * 100).toFixed(1)} %`;
const fleet = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function goals(results: SizeResult[], steps: GrowthStep[]): Goal[] {
  const at = (size: number): SizeResult | undefined => results.find((r) => r.size === size);
  const out: Goal[] = [];
  const withFan = results.filter((r) => r.fanOut !== undefined);
  out.push({
    goal: 'fan-out: exactly ceil(sub-requests ÷ 20) $batch calls, no single GET',
    target: 'every cold page',
    figure: withFan.map((r) => `${fleet(r.size)}: ${r.fanOut!.summary.coldBatches} $batch, ${r.fanOut!.summary.coldSingles} single (bound ${r.fanOut!.bound.batches})`).join('; ') || 'not run',
    met: withFan.length === 0 ? null : withFan.every((r) => r.fanOut!.summary.exactlyBound && r.fanOut!.errors.length === 0),
  });
  out.push({
    goal: 'fan-out: Graph requests, naive ÷ ours',
    target: '≥ 10×',
    figure: withFan.map((r) => `${fleet(r.size)}: ${x(r.fanOut!.summary.naiveOverOurs)}`).join(', ') || 'not run',
    met: withFan.length === 0 ? null : withFan.every((r) => r.fanOut!.summary.naiveOverOurs >= 10),
  });
  for (const size of [10_000, 100_000]) {
    const r = at(size);
    out.push({
      goal: `full sync ${fleet(size)}: ours ÷ bound, measured at time scale`,
      target: '≤ 1.3',
      figure: r ? `${x(r.full.ratio)} (${s(r.full.wallMs)} ÷ ${s(r.full.bound.totalMs)})` : 'not run',
      met: r ? r.full.ratio <= 1.3 : null,
    });
    out.push({
      goal: `full sync ${fleet(size)}: ours ÷ bound, carried to the published limits`,
      target: '≤ 1.3',
      figure: r ? `${x(r.full.ratioAtPublished)} (${min(r.full.atPublishedMs)} ÷ ${min(r.full.boundAtPublished.totalMs)})` : 'not run',
      met: r ? r.full.ratioAtPublished <= 1.3 : null,
    });
  }
  const big = at(100_000);
  out.push({ goal: 'full sync 100k: gateway peak RSS', target: '< 1024 MiB', figure: big ? `${big.full.peakRssMiB} MiB` : 'not run', met: big ? big.full.peakRssMiB < 1024 : null });
  out.push({
    goal: 're-sync: Graph requests ÷ full sync',
    target: '≤ 10 %',
    figure: results.map((r) => `${fleet(r.size)}: ${pct(r.resync.graphRequestsFraction)}`).join(', '),
    met: results.every((r) => r.resync.graphRequestsFraction <= 0.1),
  });
  out.push({ goal: 're-sync: IoT writes', target: '0', figure: results.map((r) => `${fleet(r.size)}: ${r.resync.iotWrites}`).join(', '), met: results.every((r) => r.resync.iotWrites === 0) });
  const load = (query: LoadResult['query']): LoadResult | undefined => big?.dashboard.find((d) => d.query === query);
  // A load's p99 under its bound, with no error or non-2xx answer.
  const p99Goal = (goal: string, limitMs: number, r: LoadResult | undefined, note = ''): Goal => ({
    goal,
    target: `< ${limitMs} ms`,
    figure: r ? `${r.p99Ms} ms (${int(r.rps)} req/s${note})` : 'not run',
    met: r ? r.p99Ms < limitMs && r.errors + r.non2xx === 0 : null,
  });
  const page = load('page');
  out.push(p99Goal('dashboard page at 100k: p99, as a dashboard asks (answer cache)', 50, page, page ? `; cache ${page.cache ?? 'not used'}` : ''));
  out.push(p99Goal('dashboard page at 100k: p99, every answer executed (Cache-Control: no-cache)', 50, load('pageFresh')));
  out.push(p99Goal('deviceStats at 100k: p99', 100, load('stats')));
  out.push({
    goal: 'growth: time and memory no worse than linear',
    target: 'sync CPU, peak RSS, page p50 ≤ the device factor; sync time ≤ it or the bound\'s',
    figure:
      steps.map((g) => `${fleet(g.from)}→${fleet(g.to)}: devices ${x(g.devicesFactor)}, sync CPU ${x(g.fullSyncCpuFactor)}, sync ${x(g.fullSyncFactor)} (bound ${x(g.boundFactor)}), RSS ${x(g.peakRssFactor)}, page p50 ${x(g.pageP50Factor)}`).join('; ') ||
      'one size only',
    met: steps.length === 0 ? null : steps.every((g) => g.linearOrBetter),
  });
  return out;
}

interface Report {
  finishedAt: string;
  wallMs: number;
  machine: { cpus: number; cpuModel: string | null; memoryGiB: number; node: string; loadAtEnd: number[] };
  settings: { mode: string; timeScale: number; latencyMs: number; jitterMs: number; durationS: number; connections: number; naiveCapMs: number; fanOutPages: number; chunkSize: number };
  sizes: SizeResult[];
  growth: GrowthStep[];
  goals: Goal[];
}

export function renderReport(report: Report): string {
  const { settings: st, machine: m } = report;
  const parts: string[] = [];
  parts.push(
    `Run ${report.finishedAt} (${st.mode}, ${min(report.wallMs)}): ${m.cpus} × ${m.cpuModel ?? 'CPU'}, ${m.memoryGiB} GiB, Node ${m.node}. ` +
      `Emulators: latency ${st.latencyMs} ± ${st.jitterMs} ms per request, throttling windows ÷ ${st.timeScale}. ` +
      `Load average (1 min) at the start of each size: ${report.sizes.map((r) => `${fleet(r.size)} ${r.loads.start![0]}`).join(', ')}; at the end ${m.loadAtEnd[0]}.`,
  );

  parts.push('**1. Query fan-out**: `devices(first: 100)` with `entra` and `intune`, per page (median of ' + st.fanOutPages + ' consecutive pages)');
  parts.push(
    table(
      ['fleet', 'sub-requests', 'Graph requests: ours cold', 'bound', 'naive', 'naive ÷ ours', 'ours warm', 'latency: ours cold', 'warm', 'naive', 'bound'],
      report.sizes.filter((r) => r.fanOut !== undefined).map((r) => {
        const f = r.fanOut!.summary;
        return [
          fleet(r.size),
          int(r.fanOut!.subRequests),
          `${f.coldRequests} (${f.coldBatches} $batch, ${f.coldSingles} single)`,
          `${r.fanOut!.bound.batches} $batch`,
          int(f.naiveRequests),
          x(f.naiveOverOurs),
          String(f.warmRequests),
          ms(f.coldMs),
          ms(f.warmMs),
          ms(f.naiveMs),
          ms(f.boundMs),
        ];
      }),
    ),
  );

  parts.push('**2. Full sync** (`syncDevices(fullResync: true)`): measured at the time scale, and carried to the published limits');
  parts.push(
    table(
      ['fleet', 'devices', 'ours', 'bound', 'ratio (to n ÷ rate)', 'ours at published limits', 'bound there', 'ratio (to n ÷ rate)', 'Graph: list pages / $batch (items) / single', 'IoT: list / bulkUpdate', '429s', 'peak RSS (before sync → reads → save → plan)', 'naive (est.)', 'naive ÷ ours', 'at published'],
      report.sizes.map((r) => {
        const f = r.full;
        const n = r.naiveSync;
        const na = '–';
        return [
          fleet(r.size),
          int(f.devices),
          s(f.wallMs),
          s(f.bound.totalMs),
          `${x(f.ratio)} (${x(f.ratioToSustained)})`,
          min(f.atPublishedMs),
          min(f.boundAtPublished.totalMs),
          `${x(f.ratioAtPublished)} (${x(f.ratioToSustainedAtPublished)})`,
          `${f.graphCalls.deltaPages + f.graphCalls.intunePages} / ${int(f.graphCalls.batches)} (${int(f.graphCalls.batchItems)}) / ${f.graphCalls.singles}`,
          `${f.iotCalls.list} / ${f.iotCalls.bulkUpdate}`,
          String(f.graph.throttled + f.iot.throttled),
          `${f.peakRssMiB} MiB (${f.peakRssBy.beforeSync} → ${f.peakRssBy.readsEnd ?? '–'} → ${f.peakRssBy.saveSnapshotEnd ?? '–'} → ${f.peakRssBy.planEnd ?? '–'})`,
          n ? min(n.estimatedMs) : na,
          n ? x(n.naiveOverOurs) : na,
          n ? `${min(n.estimatedAtPublishedMs)} (${x(n.naiveOverOursAtPublished)})` : na,
        ];
      }),
    ),
  );
  parts.push('Where the full sync\'s time goes (from its start; reads run at once, writes follow them)');
  parts.push(
    table(
      ['fleet', 'Entra read ends', 'Intune list ends', 'hydration', 'IoT list ends', 'correlate (CPU)', 'save snapshot (CPU)', 'plan (CPU)', 'writes', 'gateway CPU', 'bound: reads + writes', 'Graph requests ours / naive', 'load (1 min)'],
      report.sizes.map((r) => {
        const p = r.full.phases;
        return [
          fleet(r.size),
          s(p.entraReadEndMs),
          s(p.intuneListEndMs),
          `${s(p.hydrationMs)} (ends ${s(p.hydrationEndMs)})`,
          s(p.iotListEndMs),
          `${s(p.correlateMs)} (${s(r.full.cpu.correlateMs)})`,
          `${s(p.saveSnapshotMs)} (${s(r.full.cpu.saveSnapshotMs)})`,
          `${s(p.planMs)} (${s(r.full.cpu.planMs)})`,
          `${s(p.writesMs)} (${r.full.work.writeCalls} calls)`,
          s(r.full.cpu.totalMs),
          `${s(r.full.bound.readsMs)} + ${s(r.full.bound.writesMs)}`,
          `${int(r.full.graph.requests)} / ${r.naiveSync ? int(r.naiveSync.graphRequests) : '–'}`,
          String(r.loads.fullSync?.[0] ?? ''),
        ];
      }),
    ),
  );

  parts.push('**3. Re-sync with no changes**');
  parts.push(
    table(
      ['fleet', 'time', '÷ full', 'gateway CPU', 'Graph requests', '÷ full', 'IoT requests', '÷ full', 'IoT writes', 'bound', 'naive (reads everything again)', 'status'],
      report.sizes.map((r) => {
        const q = r.resync;
        return [
          fleet(r.size),
          s(q.sync.wallMs),
          pct(q.timeFraction),
          s(q.sync.cpu.totalMs),
          `${q.sync.graph.requests} (${q.sync.graphCalls.batches} $batch)`,
          pct(q.graphRequestsFraction),
          String(q.sync.iot.requests),
          pct(q.iotRequestsFraction),
          String(q.iotWrites),
          s(q.sync.bound.totalMs),
          r.naiveSync ? `${int(r.naiveSync.graphRequests)} Graph requests, ${min(r.naiveSync.estimatedMs)}` : '–',
          q.sync.status,
        ];
      }),
    ),
  );

  parts.push(`**4. Dashboard reads**: autocannon, ${st.connections} connections, ${st.durationS} s each, closed loop`);
  parts.push(
    table(
      ['fleet', 'query', 'matches', 'req/s', 'p50', 'p90', 'p99', 'max', 'gateway CPU per request', 'errors', 'load (1 min)'],
      report.sizes.flatMap((r) =>
        r.dashboard.map((d) => [
          fleet(r.size),
          d.query,
          d.check.totalCount === null ? '' : int(d.check.totalCount),
          int(d.rps),
          ms(d.p50Ms),
          ms(d.p90Ms),
          ms(d.p99Ms),
          ms(d.maxMs),
          d.gatewayCpuMsPerRequest === null ? '' : ms(d.gatewayCpuMsPerRequest),
          String(d.errors + d.non2xx + (d.check.error ? 1 : 0)),
          String(r.loads[`dashboard-${d.query}`]?.[0] ?? ''),
        ]),
      ),
    ),
  );

  if (report.growth.length > 0) {
    parts.push('**5. Growth** (factors from one size to the next)');
    parts.push(
      table(
        ['step', 'devices', 'full sync (bound)', 'sync CPU', 'at published limits (bound)', 'peak RSS', 'RSS per added device', 'page p50', 'no worse than linear'],
        report.growth.map((g) => [
          `${fleet(g.from)} → ${fleet(g.to)}`,
          x(g.devicesFactor),
          `${x(g.fullSyncFactor)} (${x(g.boundFactor)})`,
          x(g.fullSyncCpuFactor),
          `${x(g.fullSyncAtPublishedFactor)} (${x(g.boundAtPublishedFactor)})`,
          x(g.peakRssFactor),
          `${g.rssKiBPerAddedDevice.toFixed(1)} KiB`,
          x(g.pageP50Factor),
          g.linearOrBetter ? 'yes' : 'no',
        ]),
      ),
    );
  }

  parts.push('**Goals**');
  parts.push(table(['goal', 'target', 'figure', 'met'], report.goals.map((g) => [g.goal, g.target, g.figure, g.met === null ? 'n/a' : g.met ? 'yes' : '**no**'])));
  return parts.join('\n\n');
}
