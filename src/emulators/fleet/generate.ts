// Public entry point of the fleet generator: options, limits and the order of the build stages (machines → scenarios → directory and IoT records → truth → shuffle); the stages live in their own modules.
import type { Fleet, FleetTruth } from './types.js';
import { Random } from './random.js';
import { MacAllocator } from './macs.js';
import type { FleetContext } from './model.js';
import { MachineMaker } from './machines.js';
import { ScenarioPlanner } from './scenarios.js';
import { DirectoryRenderer } from './directory.js';
import { IotRenderer } from './iot.js';
import { recordTruth } from './truth.js';

export { MAC_FORMAT_SHARE, PLATFORM_SHARES, SCENARIO_SHARES, STATIC_IP_SHARE, WIFI_SHARES } from './shares.js';

/**
 * A deterministic, realistic tenant: Entra devices, Intune managed devices and IoT Security assets, plus the ground
 * truth of which records are the same machine. `size` counts physical end-user machines: every machine is either one
 * current Intune record (a re-enrolled machine's older record does not count again) or one Entra-only registration
 * (truth.entraOnly). IoT-only assets (printers, cameras, …) come on top. Same (seed, size, now) → the same fleet.
 */
export interface GenerateFleetOptions {
  seed?: number;
  size?: number;
  /** The fleet's "today": every timestamp is derived from it. Default: start of the current UTC day. */
  now?: Date;
}

export const MAX_FLEET_SIZE = 250_000;

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function generateFleet(options: GenerateFleetOptions = {}): Fleet {
  const seed = options.seed ?? 1;
  const size = options.size ?? 2000;
  const now = options.now ?? startOfUtcDay(new Date());
  if (!Number.isSafeInteger(seed)) throw new RangeError(`generateFleet: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(size) || size < 0 || size > MAX_FLEET_SIZE) {
    throw new RangeError(`generateFleet: size must be an integer from 0 to ${MAX_FLEET_SIZE}, got ${size}`);
  }
  if (Number.isNaN(now.getTime())) throw new RangeError('generateFleet: now is not a valid date');
  const fleet = buildFleet(seed, size, now.getTime());
  return { origin: { kind: 'generated', seed, size, now: now.toISOString() }, ...fleet };
}

/** Runs the stages in a fixed order on one random stream: reordering them, or any draw within them, changes every fleet. */
function buildFleet(seed: number, size: number, now: number): Omit<Fleet, 'origin'> {
  const rng = new Random(seed);
  const context: FleetContext = { rng, macs: new MacAllocator(rng), size, now };
  const truth: FleetTruth = { intune: [], entraOnly: [], iotOnly: [], sharedMacs: [] };

  const { users, machines } = new MachineMaker(context).make();
  const managed = machines.filter((m) => !m.registeredOnly);

  const planner = new ScenarioPlanner(context);
  planner.plantWindowsScenarios(managed.filter((m) => m.platform === 'windows'));
  planner.plantStale(machines.filter((m) => !m.reenrolled));
  for (const machine of machines) planner.planLifecycle(machine);
  planner.plantNotInIot(managed);
  planner.plantMacFormats(managed);

  const directory = new DirectoryRenderer(context);
  const iot = new IotRenderer(context);
  for (const machine of machines) directory.renderDirectoryRecords(machine);
  for (const machine of managed) iot.renderMachineAssets(machine);
  iot.renderSharedEthernetAssets(planner.shared, truth);
  iot.renderIotOnlyAssets(truth);
  recordTruth(truth, machines, planner.shared, iot.iotAssets, now);

  // Sources never list records in the order they were made; neither should the emulators.
  rng.shuffle(directory.entraDevices);
  rng.shuffle(directory.managedDevices);
  rng.shuffle(iot.iotAssets);
  return {
    users,
    entraDevices: directory.entraDevices,
    managedDevices: directory.managedDevices,
    iotAssets: iot.iotAssets,
    truth,
  };
}
