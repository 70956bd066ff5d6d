import { describe, expect, it } from 'vitest';
import { SlidingWindowPacer } from '../../src/sources/slidingWindowPacer.js';

describe('SlidingWindowPacer', () => {
  it('grants requests at once while the window has room', async () => {
    const pacer = new SlidingWindowPacer({ limit: 5, windowMs: 10_000 });
    (await pacer.acquire(3))();
    (await pacer.acquire(2))();
    expect(pacer.waitedMs).toBe(0);
  });

  it('makes a caller wait for the window to free room instead of exceeding the limit', async () => {
    const pacer = new SlidingWindowPacer({ limit: 4, windowMs: 200 });
    (await pacer.acquire(4))();
    const started = Date.now();
    (await pacer.acquire(2))();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(pacer.waitedMs).toBeGreaterThan(0);
  });

  it('runs a window from the answer, not from the send, so a slow answer cannot let the next window start early', async () => {
    const pacer = new SlidingWindowPacer({ limit: 1, windowMs: 100 });
    const settle = await pacer.acquire();
    await new Promise((resolve) => setTimeout(resolve, 150)); // the answer takes longer than the window
    const answeredAt = Date.now();
    settle();
    (await pacer.acquire())();
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(95);
  });

  it('waits for an answer when everything it could spend is still in flight', async () => {
    const pacer = new SlidingWindowPacer({ limit: 2, windowMs: 20 });
    const settle = await pacer.acquire(2);
    let granted = false;
    const next = pacer.acquire().then((done) => {
      granted = true;
      done();
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(granted).toBe(false);
    settle();
    await next;
    expect(granted).toBe(true);
  });

  it('grants in call order', async () => {
    const pacer = new SlidingWindowPacer({ limit: 2, windowMs: 100 });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => pacer.acquire(1).then((settle) => (order.push(n), settle()))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('refuses a request larger than the whole budget', () => {
    expect(() => new SlidingWindowPacer({ limit: 2, windowMs: 100 }).acquire(3)).toThrow(/the limit is 2/);
  });
});

describe('SlidingWindowPacer priorities', () => {
  it('serves a "first" waiter before the "normal" ones queued ahead of it', async () => {
    const pacer = new SlidingWindowPacer({ limit: 2, windowMs: 50 });
    (await pacer.acquire(2))();
    const order: string[] = [];
    const normal = [1, 2, 3].map((n) => pacer.acquire(2).then((settle) => (order.push(`batch ${n}`), settle())));
    const first = pacer.acquire(1, 'first').then((settle) => (order.push('page'), settle()));
    await Promise.all([...normal, first]);
    expect(order[0]).toBe('page');
    expect(order.slice(1)).toEqual(['batch 1', 'batch 2', 'batch 3']);
  });

  it('lets a small "first" request through as soon as it fits, while a larger one waits for more room', async () => {
    const pacer = new SlidingWindowPacer({ limit: 3, windowMs: 10_000 });
    const settleTwo = await pacer.acquire(2);
    settleTwo();
    let batchGranted = false;
    void pacer.acquire(2).then(() => (batchGranted = true)); // needs the whole window to pass
    const started = Date.now();
    (await pacer.acquire(1, 'first'))();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(batchGranted).toBe(false);
  });
});
