import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../src/check/convergence.ts';

const rows = (...ids: number[]) => ids.map((id) => ({ id, v: `row ${id}` }));

describe('convergence', () => {
  it('is valid when every replica holds exactly the primary rows, in any order and key order', () => {
    const r = checkConvergence([
      { name: 'app.orders', reference: { name: 'mysql-0', rows: rows(1, 2, 3) }, copies: [{ name: 'mysql-1', rows: [{ v: 'row 3', id: 3 }, ...rows(1, 2)] }, { name: 'mysql-2', rows: rows(3, 2, 1) }] },
    ]);
    expect(r.verdict).toBe('valid');
    expect(r.details.copies).toBe(2);
  });

  it('catches a replica that lacks rows and one that has extra rows, naming them', () => {
    const r = checkConvergence([{ name: 'app.orders', reference: { name: 'mysql-0', rows: rows(1, 2, 3) }, copies: [{ name: 'mysql-1', rows: rows(1) }, { name: 'mysql-2', rows: rows(1, 2, 3, 4) }] }]);
    expect(r.verdict).toBe('invalid');
    expect(r.details.differences).toEqual([
      { group: 'app.orders', copy: 'mysql-1', missing: rows(2, 3), extra: [] },
      { group: 'app.orders', copy: 'mysql-2', missing: [], extra: rows(4) },
    ]);
    expect(r.problems.join('\n')).toMatch(/app\.orders: mysql-1 lacks 2 rows of mysql-0: \{"id":2,"v":"row 2"\}, \{"id":3,"v":"row 3"\}/);
    expect(r.problems.join('\n')).toMatch(/app\.orders: mysql-2 has 1 row mysql-0 lacks: \{"id":4/);
  });

  it('counts duplicates: a row held twice is not the same as once', () => {
    const r = checkConvergence([{ name: 't', reference: { name: 'p', rows: rows(1) }, copies: [{ name: 'r', rows: rows(1, 1) }] }]);
    expect(r.details.differences[0].extra).toEqual(rows(1));
  });

  it('compares each Elasticsearch shard copy with its primary copy', () => {
    const shard = (n: number, primary: string[], replica: string[]) => ({ name: `[orders][${n}]`, reference: { name: `es-${n} primary`, rows: primary }, copies: [{ name: `es-${n + 1} replica`, rows: replica }] });
    const r = checkConvergence([shard(0, ['a', 'b'], ['b', 'a']), shard(1, ['c', 'd'], ['c'])]);
    expect(r.verdict).toBe('invalid');
    expect(r.details.differences).toEqual([{ group: '[orders][1]', copy: 'es-2 replica', missing: ['d'], extra: [] }]);
  });

  it('is unknown when a copy could not be read and nothing differs, and when there is nothing to compare', () => {
    const r = checkConvergence([{ name: 't', reference: { name: 'p', rows: rows(1) }, copies: [{ name: 'r1', rows: rows(1) }, { name: 'r2', rows: null, error: 'ECONNREFUSED' }] }]);
    expect(r.verdict).toBe('unknown');
    expect(r.problems).toEqual(['t: r2 could not be read (ECONNREFUSED)']);
    expect(checkConvergence([]).verdict).toBe('unknown');
  });
});
