import type Database from 'better-sqlite3';
import type { UnifiedDevice } from '../correlate/model.js';
import { WriteScopedMemo } from './snapshotMemo.js';
import { cachedStatement } from './statementCache.js';

/**
 * Pages up to this size keep the documents they parsed; larger ones (whole-inventory reads such as allDevices,
 * 1,000 at a time) read straight through, so that one pass over the fleet does not push out the dashboard's pages.
 */
const REMEMBERED_PAGE_SIZE = 200;

/** About 6 KB of heap each once parsed: 1,000 keep twenty dashboard pages for about 6 MB. */
const parsed = new WriteScopedMemo<number, UnifiedDevice>(1_000);

const DOCUMENTS_SQL = 'SELECT seq, json FROM device_documents WHERE seq IN (SELECT value FROM json_each(?))';

/**
 * The devices stored under `seqs`, in that order. Parsing is most of what a page costs once its count is
 * remembered (50 documents of about 2.7 KB: 0.75 ms), and a dashboard reads the same pages over and over, so a
 * small page keeps what it parsed until the next write and reads only the documents it does not hold. Devices it
 * kept are frozen and shared by every request that reads them.
 */
export function readDevices(db: Database.Database, seqs: readonly number[]): UnifiedDevice[] {
  const memo = seqs.length <= REMEMBERED_PAGE_SIZE ? parsed.current(db) : null;
  const devices: Array<UnifiedDevice | undefined> = seqs.map((seq) => memo?.get(seq));
  const missing = seqs.filter((_, i) => devices[i] === undefined);
  if (missing.length === 0) return devices as UnifiedDevice[];

  const rows = cachedStatement(db, DOCUMENTS_SQL).all(JSON.stringify(missing)) as Array<{ seq: number; json: string }>;
  const documents = new Map(rows.map((row) => [row.seq, row.json]));
  return seqs.map((seq, i) => {
    const known = devices[i];
    if (known !== undefined) return known;
    const json = documents.get(seq);
    // The page and its documents are read in one synchronous step, and only this process writes devices: a gap is a
    // broken store, not a race.
    if (json === undefined) throw new Error(`store: device ${seq} has no document`);
    const device = JSON.parse(json) as UnifiedDevice;
    memo?.set(seq, device);
    return device;
  });
}
