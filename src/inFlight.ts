/**
 * Runs `work` over `items` in order, with at most `limit` of them in flight at once; resolves when all are done.
 * `work` handles its own failures: a rejection stops that lane and rejects the whole, as Promise.all does.
 */
export async function forEachInFlight<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
}
