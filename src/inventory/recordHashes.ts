import { setImmediate as nextTurn } from 'node:timers/promises';
import { jsonHash } from '../contentHash.js';

/** Records hashed between two turns of the event loop: about 5 ms of work. */
const SLICE = 500;

/**
 * The content hash of each source record a refresh read, taken as the records arrive: a full read waits on rate
 * windows for most of its time, so hashing then costs the refresh nothing, where hashing at the end would add to it.
 * Held by the record objects themselves (a WeakMap), so the hashes go when the refresh lets its records go.
 */
export class RecordHashes {
  readonly #hashes = new WeakMap<object, string>();

  /**
   * Hashes records that will not change again (an Intune record only once its LIST-null fields are filled), a
   * slice at a time: a whole IoT inventory at once would hold up, for a second at 100,000 assets, the hydration
   * answers whose arrival starts Intune's next rate window.
   */
  async add(records: readonly object[]): Promise<void> {
    for (let i = 0; i < records.length; i += SLICE) {
      if (i > 0) await nextTurn();
      for (const record of records.slice(i, i + SLICE)) this.#hashes.set(record, jsonHash(record));
    }
  }

  /** The record's hash (`jsonHash`, the store's own), taken now if it was not before. */
  of(record: object): string {
    let known = this.#hashes.get(record);
    if (known === undefined) {
      known = jsonHash(record);
      this.#hashes.set(record, known);
    }
    return known;
  }
}
