import { describe, expect, it } from 'vitest';
import { checkRouting } from '../../src/check/routing.ts';
import { HistoryBuilder } from '../helpers/history.ts';

const at = (host: string, server_id: number, id: number) => ({ host, server_id, id });

describe('routing', () => {
  it('is valid when every write sent to the write host ran on the primary', () => {
    const h = new HistoryBuilder()
      .call(0, 'write', { id: 1 }, 'ok', at('mysql-0.mysql', 1, 1))
      .call(1, 'write', { id: 2 }, 'ok', at('mysql-0.mysql', 1, 2))
      .call(1, 'write', { id: 3 }, 'info'); // unknown where it went: not counted
    const r = checkRouting(h.ops, { primary: 1 });
    expect(r.verdict).toBe('valid');
    expect(r.details).toEqual({ checked: 2, misrouted: 0, byServer: {} });
  });

  it('catches writes through a ClusterIP Service landing on replicas, refused or not, with the first as the witness', () => {
    const h = new HistoryBuilder()
      .call(0, 'write', { id: 1 }, 'ok', at('mysql', 1, 1))
      .call(0, 'write', { id: 2 }, 'fail', at('mysql', 2, 2)) // a replica refused it (read_only)
      .call(1, 'write', { id: 3 }, 'fail', at('mysql', 3, 3))
      .call(1, 'write', { id: 4 }, 'fail', at('mysql', 2, 4));
    const r = checkRouting(h.ops, { primary: 1 });
    expect(r.verdict).toBe('invalid');
    expect(r.details).toEqual({ checked: 4, misrouted: 3, byServer: { '2': 2, '3': 1 } });
    expect(r.witness.map((o) => o.index)).toEqual([2, 3]);
    expect(r.problems[0]).toBe('3 of 4 writes sent to mysql were executed elsewhere than the primary (server_id 1): server_id 2 (2), server_id 3 (1)');
  });

  it('checks only the write hosts it is told to, and is unknown with nothing to check', () => {
    const h = new HistoryBuilder().call(0, 'write', {}, 'ok', at('mysql-0.mysql', 1, 1)).call(0, 'write', {}, 'ok', at('mysql-1.mysql', 2, 2));
    expect(checkRouting(h.ops, { primary: 1 }).verdict).toBe('invalid');
    expect(checkRouting(h.ops, { primary: 1, writeHosts: ['mysql-0.mysql'] }).verdict).toBe('valid');
    expect(checkRouting(h.ops, { primary: 1, writeHosts: ['elsewhere'] }).verdict).toBe('unknown');
    expect(checkRouting(new HistoryBuilder().call(0, 'write', 5).ops, { primary: 1 }).verdict).toBe('unknown');
  });
});
