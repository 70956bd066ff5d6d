import { normalizeMac } from '../correlate/mac.js';
import type { DeviceMac, MatchStatus, SourceKind, UnifiedDevice } from '../correlate/model.js';

/**
 * The columns of `devices`: what filters, sorts and stats read, denormalised from the UnifiedDevice so that no
 * query has to open its JSON. Missing sort values are '' rather than NULL, so keyset cursors compare plain
 * strings and a missing value sorts lowest, the same way on SQLite and PostgreSQL.
 */
export interface DeviceRow {
  id: string;
  name_key: string;
  os_group: string | null;
  os_group_key: string | null;
  enrollment_type: string | null;
  in_entra: 0 | 1;
  in_intune: 0 | 1;
  in_iot: 0 | 1;
  match_status: MatchStatus;
  mac_classes: string;
  last_seen: string;
  search_text: string;
}

/** The one spelling of "which sources hold it", shared by the columns, filters and stats keys. */
export const SOURCE_COLUMNS = {
  entra: 'in_entra',
  intune: 'in_intune',
  iot: 'in_iot',
} as const satisfies Record<SourceKind, keyof DeviceRow>;

export const SOURCE_ORDER = Object.keys(SOURCE_COLUMNS) as SourceKind[];

export function toDeviceRow(device: UnifiedDevice): DeviceRow {
  const osGroup = device.attributes.osGroup.value;
  const inSource = (source: SourceKind): 0 | 1 => (device.sources.includes(source) ? 1 : 0);
  return {
    id: device.id,
    name_key: device.attributes.deviceName.value?.toLowerCase() ?? '',
    os_group: osGroup,
    os_group_key: osGroup?.toLowerCase() ?? null,
    enrollment_type: device.attributes.enrollmentType.value,
    in_entra: inSource('entra'),
    in_intune: inSource('intune'),
    in_iot: inSource('iot'),
    match_status: device.match.status,
    mac_classes: macClassesKey(device.macs),
    last_seen: instantKey(device.lastSeen) ?? '',
    search_text: searchColumn(device),
  };
}

/**
 * The device's distinct MAC classes, sorted and fenced by commas (",global,randomized,"; '' for none), so that
 * `LIKE '%,randomized,%'` tests one class exactly. A column rather than a join on device_macs: the covering
 * indexes carry it, so the class filter and the stats breakdown never leave the index.
 */
function macClassesKey(macs: readonly DeviceMac[]): string {
  const classes = [...new Set(macs.map((m) => m.class))].sort();
  return classes.length === 0 ? '' : `,${classes.join(',')},`;
}

export function macClassesOf(key: string): string[] {
  return key.split(',').filter((cls) => cls !== '');
}

/**
 * The correlation's searchText, plus every MAC in colon form (if missing) and bare-hex form: a whole MAC needle is
 * normalised to colons before the search, and the bare form lets a partial Intune-style needle ("a4c3f0") find
 * its OUI. Kept short: the trigram index grows with every character.
 */
function searchColumn(device: UnifiedDevice): string {
  const text = device.searchText.toLowerCase();
  const extra = new Set<string>();
  for (const { mac } of device.macs) {
    if (mac === null) continue;
    if (!text.includes(mac)) extra.add(mac);
    extra.add(mac.replaceAll(':', ''));
  }
  return extra.size === 0 ? text : `${text} ${[...extra].join(' ')}`;
}

/** The canonical ISO form (`toISOString`), so that instants written differently still compare as strings. */
export function instantKey(iso: string | null): string | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The search needle for `filter.text`: lower-cased, and a whole MAC in any notation in colon form. */
export function searchNeedle(text: string): string {
  const trimmed = text.trim();
  return normalizeMac(trimmed) ?? trimmed.toLowerCase();
}
