import { describe, expect, it } from 'vitest';
import { byKey } from '../../src/history/operation.ts';
import { keyGroup } from '../../src/check/tasks.ts';
import { fromWire, packGroups, toWire, unpackGroups } from '../../src/check/wire.ts';
import { HistoryBuilder } from '../helpers/history.ts';
import { simulateRegister, simulateSet } from '../helpers/simulate.ts';

describe('wire format for worker threads', () => {
  it('round-trips every kind of value, keys, errors and the nemesis exactly', () => {
    const h = new HistoryBuilder()
      .call(0, 'write', 7, 'ok', undefined, 'k')
      .call(1, 'read', null, 'ok', [1, 2.5, -3], 'k')
      .call(1, 'cas', [1, { a: [null, 'x'] }], 'fail', undefined, 'k')
      .call(2, 'add', 'element', 'info', undefined, 'k')
      .call('nemesis', 'start', { fault: 'pause', targets: ['db-0'] });
    const ops = h.ops.map((o) => (o.type === 'info' ? { ...o, error: 'ETIMEDOUT: connect ETIMEDOUT' } : o));
    const groups = [{ key: 'k', ops: ops.slice(0, 8) }, { ops: ops.slice(8) }, { key: 3, ops: [] }];
    expect(unpackGroups(packGroups(groups))).toEqual(groups);
  });

  it('round-trips simulated histories, and only key-group tasks are packed', () => {
    const groups = [...byKey([...simulateSet(1, { threads: 3, operations: 300, crashes: 5, keys: 2 }), ...simulateRegister(2, { threads: 3, operations: 300, crashes: 5 })])].map(([key, ops]) => keyGroup(key, ops));
    expect(groups).toHaveLength(3);
    const { task, transfer } = toWire({ kind: 'register', groups, deadline: 5, witness: true });
    expect('groups' in task).toBe(false);
    expect(transfer.length).toBeGreaterThan(5);
    expect(fromWire(task)).toEqual({ kind: 'register', groups, deadline: 5, witness: true });
    const identity = { kind: 'identity' as const, incarnations: [] };
    expect(toWire(identity)).toEqual({ task: identity, transfer: [] });
  });
});
