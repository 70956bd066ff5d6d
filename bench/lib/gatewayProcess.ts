/** The parent's handle on the gateway child (gatewayChild.ts): start it, ask it over IPC, read its memory. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Memory } from './rss.js';
import type { StartArgs, StartResult, SyncMeasurement } from './gatewayChild.js';
import { ROOT } from './emulatorProcess.js';

export interface GatewayProcess {
  pid: number;
  start(args: StartArgs): Promise<StartResult>;
  sync(fullResync: boolean): Promise<SyncMeasurement>;
  memory(): Promise<Memory>;
  /** The child's CPU time so far (user + system), ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export function forkGateway(): GatewayProcess {
  const child: ChildProcess = fork(path.join(ROOT, 'bench/lib/gatewayChild.ts'), [], {
    cwd: ROOT,
    // BENCH_GATEWAY_NODE_ARGS (e.g. "--max-old-space-size=768") is for diagnosis: the figures are taken without it.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [])],
    // Nothing of the parent's environment: the gateway gets its settings from loadConfig's argument only. NODE_ENV
    // is what src/processDefaults.ts gives `npm start`; it must be set before graphql loads, so not by the child.
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`gateway: ${m.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`the gateway process exited (${code ?? signal})`));
    pending.clear();
  });
  const call = <T>(cmd: string, args?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args });
    });

  return {
    pid: child.pid!,
    start: (args) => call<StartResult>('start', args),
    sync: (fullResync) => call<SyncMeasurement>('sync', { fullResync }),
    memory: () => call<Memory>('memory'),
    cpuMs: () => call<number>('cpu'),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call('close').catch(() => undefined);
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
