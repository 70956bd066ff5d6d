/**
 * Seeded pseudo-random numbers for the fleet generator: sfc32, seeded through splitmix32 so that neighbouring
 * seeds (1, 2, 3…) start far apart. Integer arithmetic only, so a seed gives the same fleet on every platform and
 * Node version. Not for anything secret.
 */
// A 100k fleet draws about half a million ids and serials. Building them as char codes and converting once gives
// flat strings (no rope of tiny concatenations), which is several times faster and lighter on the heap.
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = 45;

function fromCodes(codes: number[]): string {
  return String.fromCharCode.apply(null, codes);
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new TypeError(`Random seed must be a safe integer, got ${seed}`);
    // Both halves of the seed feed the state, so seeds that differ only above bit 32 still differ.
    let s = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1);
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    for (let i = 0; i < 15; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits, so ranges as wide as a year in milliseconds stay uniform. */
  next(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`Random.int needs integers min <= max, got ${min}..${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One value, each as likely as its weight: `weighted([['a', 3], ['b', 1]])`. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    if (!(total > 0)) throw new RangeError('Random.weighted needs a positive total weight');
    let point = this.next() * total;
    for (const [value, weight] of entries) {
      point -= weight;
      if (point < 0) return value;
    }
    // Floating-point rounding can leave `point` a hair above zero: the last weighted entry takes it.
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]![1] > 0) return entries[i]![0];
    throw new RangeError('unreachable');
  }

  /**
   * Exactly `count` values in the given shares (largest remainder), in random order. Used instead of a weighted
   * pick per item where a share must really show up, e.g. a trap that has to appear in a small fleet.
   */
  deal<T>(count: number, shares: ReadonlyArray<readonly [T, number]>): T[] {
    const total = shares.reduce((sum, [, share]) => sum + share, 0);
    if (!(total > 0)) throw new RangeError('Random.deal needs a positive total share');
    const exact = shares.map(([, share]) => (share / total) * count);
    const counts = exact.map(Math.floor);
    let missing = count - counts.reduce((sum, n) => sum + n, 0);
    const byRemainder = exact.map((value, index) => ({ index, rest: value - Math.floor(value) })).sort((x, y) => y.rest - x.rest || x.index - y.index);
    for (const { index } of byRemainder) {
      if (missing === 0) break;
      counts[index]!++;
      missing--;
    }
    const dealt: T[] = [];
    shares.forEach(([value], index) => {
      for (let n = 0; n < counts[index]!; n++) dealt.push(value);
    });
    return this.shuffle(dealt);
  }

  /** Fisher–Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const held = items[i] as T;
      items[i] = items[j] as T;
      items[j] = held;
    }
    return items;
  }

  /** `digits` lower-case hex digits. */
  hex(digits: number): string {
    const codes = new Array<number>(digits);
    let word = 0;
    for (let i = 0; i < digits; i++) {
      if ((i & 7) === 0) word = this.uint32();
      codes[i] = HEX_CODES[(word >>> ((i & 7) * 4)) & 0xf]!;
    }
    return fromCodes(codes);
  }

  /** `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet: string): string {
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++) codes[i] = alphabet.charCodeAt(Math.floor(this.next() * alphabet.length));
    return fromCodes(codes);
  }

  /** RFC 4122 version-4 layout (version nibble 4, variant 10xx), drawn from this generator. */
  uuid(): string {
    const words = [this.uint32(), (this.uint32() & 0xffff0fff) | 0x4000, ((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0, this.uint32()];
    const codes = new Array<number>(36);
    let k = 0;
    for (let nibble = 0; nibble < 32; nibble++) {
      if (nibble === 8 || nibble === 12 || nibble === 16 || nibble === 20) codes[k++] = DASH;
      codes[k++] = HEX_CODES[(words[nibble >> 3]! >>> (28 - (nibble & 7) * 4)) & 0xf]!;
    }
    return fromCodes(codes);
  }
}
