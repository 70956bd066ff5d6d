import { randomUUID } from 'node:crypto';
import type { EntraDeviceRecord, Fleet, FleetUser, ManagedDeviceRecord } from '../fleet/types.js';

export type RemovedReason = 'deleted' | 'changed';

/** A mutation the caller got wrong: the id is unknown (`not-found`) or already taken (`conflict`). */
export class FleetMutationError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'FleetMutationError';
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export type GraphFleet = Pick<Fleet, 'users' | 'entraDevices' | 'managedDevices'>;

interface TrackedDevice {
  record: EntraDeviceRecord;
  /** Change sequence of the last write; 0 for devices of the initial fleet. */
  changedAt: number;
}

/**
 * What the Graph emulator serves, as a mutable copy of the fleet: Entra devices with a change sequence
 * (the basis of delta) and tombstones for removed ones, Intune managed devices, and users. Every write goes
 * through the methods below so the sequence, the indexes and lastSyncDateTime stay consistent.
 */
export class GraphState {
  readonly #initial: GraphFleet;
  #devices = new Map<string, TrackedDevice>();
  #byDeviceId = new Map<string, string>();
  #removed = new Map<string, { at: number; reason: RemovedReason }>();
  #managed = new Map<string, ManagedDeviceRecord>();
  #users = new Map<string, FleetUser>();
  #sequence = 0;
  #epoch = '';
  /** The collections in id order, rebuilt after a write: paging walks them on every request. */
  #entraInIdOrder: EntraDeviceRecord[] | undefined;
  #managedInIdOrder: ManagedDeviceRecord[] | undefined;

  constructor(fleet: GraphFleet) {
    this.#initial = structuredClone({ users: fleet.users, entraDevices: fleet.entraDevices, managedDevices: fleet.managedDevices });
    this.reset();
  }

  /** Back to the initial fleet. Delta tokens from before the reset name another epoch and are refused. */
  reset(): void {
    const copy = structuredClone(this.#initial);
    this.#devices = new Map(copy.entraDevices.map((record) => [record.id, { record, changedAt: 0 }]));
    this.#byDeviceId = new Map(copy.entraDevices.map((d) => [d.deviceId.toLowerCase(), d.id]));
    this.#removed = new Map();
    this.#managed = new Map(copy.managedDevices.map((d) => [d.id, d]));
    this.#users = new Map(copy.users.map((u) => [u.id, u]));
    this.#sequence = 0;
    this.#epoch = randomUUID();
    this.#entraInIdOrder = undefined;
    this.#managedInIdOrder = undefined;
  }

  get sequence(): number {
    return this.#sequence;
  }

  get epoch(): string {
    return this.#epoch;
  }

  /** Every Entra device, in id order. */
  entraDevices(): readonly EntraDeviceRecord[] {
    this.#entraInIdOrder ??= [...this.#devices.values()].map((t) => t.record).sort(byId);
    return this.#entraInIdOrder;
  }

  entraDevice(id: string): EntraDeviceRecord | undefined {
    return this.#devices.get(id)?.record;
  }

  entraDeviceByDeviceId(deviceId: string): EntraDeviceRecord | undefined {
    const id = this.#byDeviceId.get(deviceId.toLowerCase());
    return id === undefined ? undefined : this.entraDevice(id);
  }

  /** Devices written after `sequence`, and ids removed after it, for a delta round. */
  changesSince(sequence: number): { changed: EntraDeviceRecord[]; removed: Array<{ id: string; reason: RemovedReason }> } {
    const changed = [...this.#devices.values()].filter((t) => t.changedAt > sequence).map((t) => t.record);
    const removed = [...this.#removed.entries()].filter(([, r]) => r.at > sequence).map(([id, r]) => ({ id, reason: r.reason }));
    return { changed, removed };
  }

  /** Every managed device, in id order. */
  managedDevices(): readonly ManagedDeviceRecord[] {
    this.#managedInIdOrder ??= [...this.#managed.values()].sort(byId);
    return this.#managedInIdOrder;
  }

  managedDevice(id: string): ManagedDeviceRecord | undefined {
    return this.#managed.get(id);
  }

  user(id: string): FleetUser | undefined {
    return this.#users.get(id);
  }

  updateEntraDevice(id: string, patch: Partial<Omit<EntraDeviceRecord, 'id'>>): EntraDeviceRecord {
    const tracked = this.#devices.get(id);
    if (!tracked) throw new FleetMutationError('not-found', `no Entra device with id '${id}'`);
    if (patch.deviceId !== undefined) this.#claimDeviceId(patch.deviceId, id);
    this.#byDeviceId.delete(tracked.record.deviceId.toLowerCase());
    const record = { ...tracked.record, ...patch, id };
    this.#byDeviceId.set(record.deviceId.toLowerCase(), id);
    this.#devices.set(id, { record, changedAt: ++this.#sequence });
    this.#entraInIdOrder = undefined;
    return record;
  }

  addEntraDevice(record: EntraDeviceRecord): EntraDeviceRecord {
    if (this.#devices.has(record.id)) throw new FleetMutationError('conflict', `an Entra device with id '${record.id}' exists`);
    this.#claimDeviceId(record.deviceId, record.id);
    const copy = structuredClone(record);
    this.#devices.set(copy.id, { record: copy, changedAt: ++this.#sequence });
    this.#byDeviceId.set(copy.deviceId.toLowerCase(), copy.id);
    this.#removed.delete(copy.id);
    this.#entraInIdOrder = undefined;
    return copy;
  }

  /**
   * Removes a device; delta reports it as `@removed`. Entra has no recycle bin for devices, so the reason is
   * "deleted" (permanent) unless a caller simulates a soft delete with "changed".
   */
  deleteEntraDevice(id: string, reason: RemovedReason = 'deleted'): void {
    const tracked = this.#devices.get(id);
    if (!tracked) throw new FleetMutationError('not-found', `no Entra device with id '${id}'`);
    this.#devices.delete(id);
    this.#byDeviceId.delete(tracked.record.deviceId.toLowerCase());
    this.#removed.set(id, { at: ++this.#sequence, reason });
    this.#entraInIdOrder = undefined;
  }

  /** Intune stamps lastSyncDateTime whenever a device reports in; a patch may set it explicitly instead. */
  updateManagedDevice(id: string, patch: Partial<Omit<ManagedDeviceRecord, 'id'>>): ManagedDeviceRecord {
    const current = this.#managed.get(id);
    if (!current) throw new FleetMutationError('not-found', `no managed device with id '${id}'`);
    const record = { ...current, lastSyncDateTime: new Date().toISOString(), ...patch, id };
    this.#managed.set(id, record);
    this.#managedInIdOrder = undefined;
    return record;
  }

  addManagedDevice(record: ManagedDeviceRecord): ManagedDeviceRecord {
    if (this.#managed.has(record.id)) throw new FleetMutationError('conflict', `a managed device with id '${record.id}' exists`);
    const copy = structuredClone(record);
    this.#managed.set(copy.id, copy);
    this.#managedInIdOrder = undefined;
    return copy;
  }

  deleteManagedDevice(id: string): void {
    if (!this.#managed.delete(id)) throw new FleetMutationError('not-found', `no managed device with id '${id}'`);
    this.#managedInIdOrder = undefined;
  }

  #claimDeviceId(deviceId: string, ownerId: string): void {
    const holder = this.#byDeviceId.get(deviceId.toLowerCase());
    if (holder !== undefined && holder !== ownerId) throw new FleetMutationError('conflict', `deviceId '${deviceId}' belongs to device '${holder}'`);
  }
}
