// Conversions between domain values and GraphQL enums; enums.ts holds only the resolver maps, spread into the schema.

/** A domain value as its GraphQL enum name (`iot-only` → `IOT_ONLY`), for keys and reasons shown as plain strings. */
export function enumName(value: string): string {
  return value.toUpperCase().replace(/-/g, '_');
}

/** Values Graph may add later (or beta-only ones) become the enum's catch-all instead of failing the field. */
export function knownOr<T extends string>(value: string | null | undefined, known: Record<string, T>, fallback: T): T {
  const values = Object.values(known) as string[];
  return value && values.includes(value) ? (value as T) : fallback;
}
