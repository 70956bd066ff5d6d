import type Database from 'better-sqlite3';
import type { EntraDevice } from '../sources/entra/types.js';
import { replaceDocuments } from './sqliteDocumentTable.js';
import type { Snapshot } from './types.js';

export type EntraState = NonNullable<Snapshot['entra']>;

/**
 * The Entra directory (one row per device id) and deltaLink saved with the snapshot. `save` runs inside
 * saveSnapshot's transaction (it opens none of its own), so the deltaLink advances only with a snapshot that used it.
 */
export function openEntraState(db: Database.Database): { save(state: EntraState, hashOf?: (device: EntraDevice) => string): void; get(): EntraState | null } {
  const writeDevices = replaceDocuments<EntraDevice>(db, 'entra_devices', 'id');
  const statements = {
    saveDeltaLink: db.prepare(
      `INSERT INTO entra_delta (id, delta_link, saved_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET delta_link = excluded.delta_link, saved_at = excluded.saved_at`,
    ),
    deltaLink: db.prepare('SELECT delta_link FROM entra_delta WHERE id = 1').pluck(),
    devices: db.prepare('SELECT json FROM entra_devices ORDER BY seq').pluck(),
  };
  return {
    save: (state, hashOf) => {
      if (!db.inTransaction) throw new Error('store: Entra state is saved only inside the snapshot transaction');
      writeDevices(state.devices, (device) => device.id, hashOf);
      statements.saveDeltaLink.run(state.deltaLink, new Date().toISOString());
    },
    // Both reads in one transaction, so that a snapshot saved by another process in between cannot pair one
    // snapshot's deltaLink with another's devices.
    get: db.transaction((): EntraState | null => {
      const deltaLink = statements.deltaLink.get() as string | undefined;
      if (deltaLink === undefined) return null;
      return { devices: (statements.devices.all() as string[]).map((json) => JSON.parse(json) as EntraDevice), deltaLink };
    }),
  };
}
