/**
 * Label values a client or an upstream chooses (operation names, error codes, route templates) would let anyone
 * grow the metrics without end, and Prometheus with them. The first `max` well-formed values are kept as they
 * are; anything malformed or beyond that is reported as `overflow`.
 */
export function boundedLabel(max: number, pattern: RegExp, overflow: string): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (!pattern.test(value) || seen.size >= max) return overflow;
    seen.add(value);
    return value;
  };
}
