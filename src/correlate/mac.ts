/**
 * MAC addresses as the three sources write them: Intune `A4C3F0123456` (and dashes, dots, colons, any case),
 * IoT Security `a4:c3:f0:12:34:56`. Everything is compared in the lower-case colon form; the raw value is kept
 * for evidence.
 */

export type MacClass = 'global' | 'randomized' | 'placeholder' | 'multicast' | 'invalid';

/** Android reports this when an app may not read the real MAC; all zeros and all ones are no address at all. */
const PLACEHOLDERS = new Set(['02:00:00:00:00:00', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff']);

/** Lower-case colon form, or null when the value is not a MAC in any of the usual notations. */
export function normalizeMac(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim().toLowerCase();
  // Only one separator style per value: "aa:bb-cc..." is a typo, not a MAC.
  if (!/^([0-9a-f]{2}([:-])(?:[0-9a-f]{2}\2){4}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12})$/.test(trimmed)) return null;
  const digits = trimmed.replace(/[:.\-]/g, '');
  return digits.match(/../g)!.join(':');
}

/**
 * Only a `global` MAC (universally administered unicast) can identify one device. A locally administered MAC
 * is randomized per network or per boot; a placeholder is shared by every device that reports it.
 */
export function classifyMac(raw: string | null | undefined): MacClass {
  const mac = normalizeMac(raw);
  if (!mac) return 'invalid';
  if (PLACEHOLDERS.has(mac)) return 'placeholder';
  const firstOctet = parseInt(mac.slice(0, 2), 16);
  if (firstOctet & 0x01) return 'multicast';
  if (firstOctet & 0x02) return 'randomized';
  return 'global';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}
