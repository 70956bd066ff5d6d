import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/sources/graph/requestBudget.js';

describe('RequestBudget', () => {
  it('grants requests at once while the window has room', async () => {
    const budget = new RequestBudget({ limit: 5, windowMs: 10_000 });
    await budget.acquire(3);
    await budget.acquire(2);
    expect(budget.waitedMs).toBe(0);
  });

  it('makes a caller wait for the window to free room instead of exceeding the limit', async () => {
    const budget = new RequestBudget({ limit: 4, windowMs: 200 });
    await budget.acquire(4);
    const started = Date.now();
    await budget.acquire(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(budget.waitedMs).toBeGreaterThan(0);
  });

  it('grants in call order', async () => {
    const budget = new RequestBudget({ limit: 2, windowMs: 100 });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => budget.acquire(1).then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('refuses a request larger than the whole budget', () => {
    expect(() => new RequestBudget({ limit: 2, windowMs: 100 }).acquire(3)).toThrow(/more than the limit/);
  });
});
