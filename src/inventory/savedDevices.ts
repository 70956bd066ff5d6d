import type { DeviceDraft } from '../correlate/model.js';
import { contentHash } from '../contentHash.js';
import type { SnapshotDevice } from '../store/types.js';
import { toPlanDevice, type PlanDevice } from '../sync/plan.js';
import type { RecordHashes } from './recordHashes.js';

interface SavedDevice {
  /** Hash of everything the device was built from: its draft's records and decisions. */
  inputKey: string;
  /** Hash of the document written for those inputs. */
  docHash: string;
  /** What a sync plans from, made from the same document. Shared with the syncs that planned from it; never changed. */
  plan: PlanDevice;
  /** The snapshot that last held the device. */
  round: number;
}

/**
 * What the snapshots one refresher saved hold of each device: enough to leave a device whose inputs did not change
 * unbuilt. Entries are updated in place as a snapshot is written, so an unchanged device costs no allocation; an
 * entry may then name a document that a failed save never committed, which is harmless, because the store builds
 * every device whose remembered hash it does not hold.
 */
export class SavedDevices {
  readonly #byId = new Map<string, SavedDevice>();
  #round = 0;

  /**
   * The drafts as the store takes them, and the PlanDevices of the snapshot, complete once saveSnapshot has read
   * every device. A device is built only when its inputs changed or the store lacks its document.
   */
  forSnapshot(drafts: Iterable<DeviceDraft>, hashes: RecordHashes): { devices: Iterable<SnapshotDevice>; planDevices: PlanDevice[] } {
    const byId = this.#byId;
    const round = ++this.#round;
    const planDevices: PlanDevice[] = [];
    const devices = {
      *[Symbol.iterator](): Generator<SnapshotDevice> {
        for (const draft of drafts) {
          const inputKey = contentHash(`${draft.decisions}\n${draft.records.map((r) => hashes.of(r)).join(' ')}`);
          const known = byId.get(draft.id);
          const same = known?.inputKey === inputKey ? known : undefined;
          let plan = same?.plan;
          yield {
            id: draft.id,
            knownHash: same?.docHash ?? null,
            build: () => {
              const device = draft.build();
              plan = toPlanDevice(device);
              return device;
            },
            settled: (docHash) => {
              planDevices.push(plan!);
              if (same?.docHash === docHash) same.round = round;
              else if (known) Object.assign(known, { inputKey, docHash, plan: plan!, round });
              else byId.set(draft.id, { inputKey, docHash, plan: plan!, round });
            },
          };
        }
      },
    };
    return { devices, planDevices };
  }

  /** Once the snapshot is saved: forgets the devices it no longer holds. */
  forgetVanished(): void {
    for (const [id, saved] of this.#byId) if (saved.round !== this.#round) this.#byId.delete(id);
  }
}
