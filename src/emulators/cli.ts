import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { loadFleetFile } from './fleet/load.js';
import { scaledLimits, startEmulators } from './start.js';

const USAGE = `usage: npm run emulators -- [--seed N] [--size N] [--fleet FILE] [--latency MS] [--jitter MS] [--time-scale N]
  --seed N      fleet generator seed (default 1)
  --size N      number of Entra/Intune machines (default 2000)
  --fleet FILE  load the fleet from a JSON file instead (see README: "Replaying your own fleet")
  --latency MS  added latency per request, with --jitter MS around it (default 0)
  --time-scale N  run the rate limits N times faster (every throttling window divided by N; default 1)
The first line on stdout is one JSON object with every setting a client needs; the same object is written to
DATA_DIR/emulators.json.`;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number (got "${raw}")\n${USAGE}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      size: { type: 'string' },
      fleet: { type: 'string' },
      latency: { type: 'string' },
      jitter: { type: 'string' },
      'time-scale': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const { dataDir } = loadConfig();
  const latency = { latencyMs: positiveInt('latency', values.latency, 0), jitterMs: positiveInt('jitter', values.jitter, 0) };
  const scale = Number(values['time-scale'] ?? 1);
  if (!(scale > 0)) throw new Error(`--time-scale must be a positive number\n${USAGE}`);
  const emulators = await startEmulators({
    limits: scaledLimits(scale),
    dataDir,
    fleet: values.fleet ? loadFleetFile(values.fleet) : undefined,
    seed: positiveInt('seed', values.seed, 1),
    size: positiveInt('size', values.size, 2000),
    faults: { login: latency, graph: latency, iot: latency },
  });
  process.stdout.write(JSON.stringify(emulators.settings) + '\n');
  const f = emulators.fleet;
  process.stderr.write(
    [
      `emulators listening (fleet: ${f.entraDevices.length} Entra devices, ${f.managedDevices.length} Intune records, ${f.iotAssets.length} IoT assets)`,
      `  login  ${emulators.login.origin}`,
      `  graph  ${emulators.graph.origin}`,
      `  iot    ${emulators.iot.origin}`,
      `  settings written to ${dataDir}/emulators.json; control plane at <origin>/_emulator/{stats,faults,reset,truth}`,
      '',
    ].join('\n'),
  );

  const stop = (): void => {
    void emulators.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulators: ${(err as Error).message}\n`);
  process.exit(1);
});
