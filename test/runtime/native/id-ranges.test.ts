import { describe, expect, it } from 'vitest';
import { IdRangePool, RANGE_SIZE } from '../../../src/runtime/native/id-ranges.ts';

describe('user id ranges for pods', () => {
  it('gives each live pod a range of its own, above the ids people use and below 2^31', () => {
    const pool = new IdRangePool('/home/me/.emu/clusters/default');
    const ranges = Array.from({ length: 100 }, () => pool.allocate());
    expect(new Set(ranges.map((r) => r.hostId)).size).toBe(100);
    for (const r of ranges) {
      expect(r.size).toBe(RANGE_SIZE);
      expect(r.hostId % RANGE_SIZE).toBe(0);
      expect(r.hostId).toBeGreaterThanOrEqual(0x1000_0000);
      expect(r.hostId + r.size).toBeLessThanOrEqual(2 ** 31);
    }
  });

  it('hands a released range out again only after the others', () => {
    const pool = new IdRangePool('seed');
    const first = pool.allocate();
    pool.release(first);
    const next = pool.allocate();
    expect(next.hostId).not.toBe(first.hostId);
  });

  it('starts different clusters at different places', () => {
    expect(new IdRangePool('/a/clusters/one').allocate().hostId).not.toBe(new IdRangePool('/a/clusters/two').allocate().hostId);
  });
});
