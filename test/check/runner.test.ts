import { afterAll, describe, expect, it } from 'vitest';
import { EmuError } from '../../src/errors.ts';
import { InThreadRunner, WorkerPool } from '../../src/check/pool.ts';
import { batches, CheckRunner } from '../../src/check/runner.ts';
import type { Operation } from '../../src/history/operation.ts';
import { simulateRegister, simulateSet } from '../helpers/simulate.ts';

/** A bug in a few keys: one read in the second half of each of them returns a value nobody wrote. */
function plantBadReads(ops: Operation[], keys: number[]): Operation[] {
  const planted = new Set(keys.map((k) => ops.filter((o) => o.key === k && o.f === 'read' && o.type === 'ok').at(-1)!));
  return ops.map((o) => (planted.has(o) ? { ...o, value: 'never-written' } : o));
}

describe('CheckRunner on a worker pool', () => {
  const pool = new WorkerPool(2);
  const inThread = new CheckRunner(new InThreadRunner());
  afterAll(() => pool.close());

  it('gives the same register verdicts and witnesses as one thread', async () => {
    const ops = plantBadReads(simulateRegister(11, { threads: 10, operations: 20_000, keys: 200, crashes: 2 }), [17, 150]);
    const progress: number[] = [];
    const pooled = await new CheckRunner(pool, (done, total) => progress.push(done / total)).register(ops, 60_000);
    const single = await inThread.register(ops, 60_000);
    expect(pooled).toEqual(single);
    expect(pooled.verdict).toBe('invalid');
    expect([...pooled.details.invalidKeys].sort((a, b) => Number(a) - Number(b))).toEqual([17, 150]);
    expect(pooled.details.keys).toBe(200);
    // both keys named, the first one's witness shown
    expect(pooled.witness.length).toBeGreaterThan(0);
    expect(pooled.witness.every((o) => o.key === pooled.details.invalidKeys[0])).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(1);
  });

  it('gives the same set-full result as one thread', async () => {
    const ops = simulateSet(5, { threads: 10, operations: 20_000, keys: 50, crashes: 2 });
    const pooled = await new CheckRunner(pool).setFull(ops);
    expect(pooled).toEqual(await inThread.setFull(ops));
    expect(pooled.verdict).toBe('valid');
    expect(pooled.details.keys).toBe(50);
  });

  it('says unknown for keys left when the time budget is spent, never valid', async () => {
    const ops = simulateRegister(3, { threads: 10, operations: 5_000, keys: 20 });
    const r = await new CheckRunner(pool).register(ops, -1);
    expect(r.verdict).toBe('unknown');
    expect(r.details.unknownKeys).toHaveLength(20);
  });

  it('runs routing, convergence and identity there too, and refuses bad identity input with an emu error', async () => {
    const runner = new CheckRunner(pool);
    expect((await runner.identity([{ identity: 'p', uid: 'a', start: 0, end: 5 }])).verdict).toBe('valid');
    expect((await runner.convergence([{ name: 't', reference: { name: 'p', rows: [1] }, copies: [{ name: 'r', rows: [] }] }])).verdict).toBe('invalid');
    expect((await runner.routing([], { primary: 1 })).verdict).toBe('unknown');
    await expect(runner.identity([{ identity: 'p', uid: 'a', start: 5, end: 0 }])).rejects.toBeInstanceOf(EmuError);
  });
});

describe('batches', () => {
  const group = (n: number) => ({ ops: new Array<Operation>(n) });

  it('puts every key in exactly one batch, largest first, about equal work per batch', () => {
    const groups = [5, 3000, 200, 200, 200, 50, 400, 900].map(group);
    const out = batches(groups, 2);
    expect(out.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(out[0]).toEqual([1]); // the big key alone
    expect(out.slice(1).every((b) => b.reduce((n, i) => n + groups[i].ops.length, 0) <= 900 + 500)).toBe(true);
  });

  it('makes at least 8 batches per thread when there is enough work', () => {
    const groups = Array.from({ length: 1000 }, () => group(100));
    expect(batches(groups, 2).length).toBeGreaterThanOrEqual(16);
  });
});
