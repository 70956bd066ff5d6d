import type { Random } from './random.js';

/**
 * MAC addresses for the generated fleet. Inside the generator a MAC is always in IoT Security's form,
 * lower-case and colon-separated (`a4:c3:f0:12:34:56`); Intune's renderings are produced only at the edge.
 */

/** What Android reports when an app or MDM may not read the hardware address. Repeats across many phones. */
export const PLACEHOLDER_MAC = '02:00:00:00:00:00';

/**
 * Real-looking OUIs per vendor. Every first octet has the multicast (0x01) and locally-administered (0x02) bits
 * clear, so a MAC drawn from these lists is globally administered unicast (a test checks each entry).
 */
export const OUIS = {
  dell: ['18:66:da', '24:b6:fd', '34:17:eb', '54:bf:64', '6c:2b:59', '84:7b:eb', '98:90:96', 'b8:ca:3a', 'd4:81:d7', 'f4:8e:38'],
  lenovo: ['28:d2:44', '50:7b:9d', '54:ee:75', '8c:16:45', '98:fa:9b', 'e8:6a:64', '00:06:1b', '6c:24:08'],
  hp: ['10:e7:c6', '3c:52:82', '64:51:06', '70:5a:0f', '80:ce:62', '94:57:a5', 'c8:d9:d2', 'ec:8e:b5'],
  microsoft: ['28:18:78', '98:5f:d3', 'c4:9d:ed', '7c:1e:52'],
  intelWifi: ['34:13:e8', '48:51:b7', '5c:87:9c', '70:a6:cc', '84:1b:77', '9c:b6:d0', 'a4:c3:f0', 'dc:21:48', 'f8:94:c2'],
  realtekUsb: ['00:e0:4c', '8c:ae:4c', '00:0e:c6'],
  apple: ['14:7d:da', '3c:22:fb', '60:3e:5f', '88:66:5a', '8c:85:90', 'a4:83:e7', 'ac:bc:32', 'bc:d0:74', 'f0:18:98', 'f4:0f:24'],
  samsung: ['34:14:5f', '5c:0a:5b', '64:1c:ae', '78:bd:bc', '8c:71:f8', 'a0:cb:fd', 'cc:07:ab', 'e4:7c:f9', 'f0:25:b7'],
  google: ['20:df:b9', '3c:5a:b4', '54:60:09', 'a4:77:33', 'f4:f5:d8', 'f8:8f:ca'],
  ciscoPhone: ['00:26:0b', '34:db:fd', '6c:41:6a', '70:10:5c', 'a4:6c:2a', 'f4:cf:e2'],
  polycom: ['00:04:f2', '64:16:7f'],
  hpPrinter: ['38:63:bb', 'a0:d3:c1', '00:1f:29', '6c:c2:17'],
  xerox: ['9c:93:4e', '00:00:aa'],
  canon: ['00:1e:8f', '18:0c:ac', '2c:9e:fc', '60:12:8b'],
  axis: ['ac:cc:8e', '00:40:8c', 'b8:a4:4f', 'e8:27:25'],
  hikvision: ['44:19:b6', 'c0:56:e3', 'bc:ad:28', '4c:bd:8f'],
  siemens: ['00:1b:1b', '00:0e:8c', '28:63:36', '8c:f3:19'],
  rockwell: ['00:00:bc', '00:1d:9c', '5c:88:16', 'e4:90:69'],
  baxter: ['34:02:86', '00:12:a1'],
  bd: ['00:21:f4', '00:1e:a4'],
  philipsMedical: ['00:09:fb', '00:1a:0b'],
  geHealthcare: ['00:00:8a', '00:1e:49'],
  hid: ['00:06:8e', '00:0c:2e'],
  lenel: ['00:10:6f'],
  lg: ['58:fd:b1', '64:99:5d', 'a8:23:fe'],
} as const satisfies Record<string, readonly string[]>;

export type OuiVendor = keyof typeof OUIS;

const ouiByteCache = new Map<OuiVendor, number[][]>();

function ouiBytes(vendor: OuiVendor): number[][] {
  let bytes = ouiByteCache.get(vendor);
  if (!bytes) {
    bytes = OUIS[vendor].map((oui) => oui.split(':').map((octet) => parseInt(octet, 16)));
    ouiByteCache.set(vendor, bytes);
  }
  return bytes;
}

/** How an address is written. `intune` is Intune's usual form; the rest are the "other formats" trap. */
export type MacStyle = 'iot' | 'intune' | 'dashes-lower' | 'dashes-upper' | 'colons-upper' | 'dots-lower' | 'bare-lower';

/** Renderings Intune sometimes returns instead of its usual 12 upper-case hex digits. */
export const UNUSUAL_INTUNE_STYLES: readonly MacStyle[] = ['dashes-lower', 'dashes-upper', 'colons-upper', 'dots-lower', 'bare-lower'];

export type MacKind = 'global' | 'randomized' | 'placeholder' | 'multicast';

/** Any of the usual renderings (colons, dashes, Cisco dots, bare; any case) → lower-case colon form, or null. */
export function normalizeMac(raw: string): string | null {
  const digits = raw.trim().toLowerCase().replace(/[:.\-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(digits)) return null;
  return digits.match(/../g)!.join(':');
}

export function formatMac(mac: string, style: MacStyle): string {
  const digits = mac.replace(/:/g, '');
  switch (style) {
    case 'iot':
      return mac;
    case 'intune':
      return digits.toUpperCase();
    case 'dashes-lower':
      return mac.replace(/:/g, '-');
    case 'dashes-upper':
      return mac.replace(/:/g, '-').toUpperCase();
    case 'colons-upper':
      return mac.toUpperCase();
    case 'dots-lower':
      return `${digits.slice(0, 4)}.${digits.slice(4, 8)}.${digits.slice(8, 12)}`;
    case 'bare-lower':
      return digits;
  }
}

/** Classifies a lower-case colon MAC by its first octet: I/G bit (multicast), then U/L bit (locally administered). */
export function macKind(mac: string): MacKind {
  if (mac === PLACEHOLDER_MAC) return 'placeholder';
  const firstOctet = parseInt(mac.slice(0, 2), 16);
  if (firstOctet & 0x01) return 'multicast';
  if (firstOctet & 0x02) return 'randomized';
  return 'global';
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Lower-case colon form of six bytes, built flat: a large fleet makes a few hundred thousand of these. */
function macFromBytes(bytes: readonly number[]): string {
  const codes: number[] = [];
  bytes.forEach((byte, index) => {
    if (index > 0) codes.push(58);
    codes.push(HEX_CODES[byte >>> 4]!, HEX_CODES[byte & 0xf]!);
  });
  return String.fromCharCode.apply(null, codes);
}

/**
 * Hands out MACs that are unique within one fleet: two machines never share an address unless the generator
 * plants that on purpose (docks, dongles), so every shared MAC in the output is a deliberate trap.
 */
export class MacAllocator {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Random) {}

  /** A globally administered unicast MAC under one of the vendor's OUIs. */
  fromVendor(vendor: OuiVendor): string {
    const oui = ouiBytes(vendor);
    return this.unique(() => {
      const prefix = this.rng.pick(oui);
      return macFromBytes([prefix[0]!, prefix[1]!, prefix[2]!, this.rng.int(0, 255), this.rng.int(0, 255), this.rng.int(0, 255)]);
    });
  }

  /** A private (randomized) address: locally administered bit set, multicast bit clear, never the placeholder. */
  randomized(): string {
    return this.unique(() => {
      const bytes = [(this.rng.int(0, 255) & 0xfc) | 0x02];
      for (let i = 0; i < 5; i++) bytes.push(this.rng.int(0, 255));
      return macFromBytes(bytes);
    });
  }

  private unique(draw: () => string): string {
    for (;;) {
      const mac = draw();
      if (mac !== PLACEHOLDER_MAC && !this.used.has(mac)) {
        this.used.add(mac);
        return mac;
      }
    }
  }
}
