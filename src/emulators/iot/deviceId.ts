/**
 * IoT Security keys an asset by its MAC (lower-case, colon-separated) or, for a static-IP asset, by its IPv4.
 * Whether the real service normalises other MAC spellings is undocumented (FACTS §5). We accept the common
 * spellings (colons or dashes, Cisco dotted, bare 12 hex, any case) and fold them to the stored form, because
 * Intune reports bare upper-case hex and a strict emulator would only test our own formatting, not the join.
 */
const MAC_SPELLINGS = [
  /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i,
];

export function normaliseMac(raw: string): string | null {
  const text = raw.trim();
  for (const spelling of MAC_SPELLINGS) {
    const m = spelling.exec(text);
    if (m) return m.slice(1).join(':').toLowerCase();
  }
  return null;
}

export function isIpv4(raw: string): boolean {
  const parts = raw.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** The inventory key for a MAC (any spelling) or an IPv4; null when it is neither. */
export function toDeviceKey(raw: string): string | null {
  return normaliseMac(raw) ?? (isIpv4(raw.trim()) ? raw.trim() : null);
}
