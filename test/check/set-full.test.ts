import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/history/operation.ts';
import { checkSetFull } from '../../src/check/set-full.ts';
import { HistoryBuilder } from '../helpers/history.ts';
import { simulateSet } from '../helpers/simulate.ts';

const indexes = (ops: Operation[]) => ops.map((o) => o.index);

describe('set-full', () => {
  it('is valid when every acknowledged add is in every later read', () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(1, 'add', 2).call(2, 'read', null, 'ok', [1, 2]).call(0, 'read', null, 'ok', [2, 1]);
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('valid');
    expect(r.details).toMatchObject({ attempted: 2, stable: 2, neverRead: 0, lost: [] });
    expect(r.witness).toEqual([]);
  });

  it('catches an acknowledged add that disappears: lost, with its element and the add and read that show it', () => {
    const h = new HistoryBuilder()
      .call(0, 'add', 7) // ops 0,1
      .call(1, 'add', 8) // 2,3
      .call(2, 'read', null, 'ok', [7, 8]) // 4,5
      .call(2, 'read', null, 'ok', [8]); // 6,7: 7 is gone
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('invalid');
    expect(r.details.lost).toEqual([{ element: 7 }]);
    expect(indexes(r.witness)).toEqual([0, 1, 6, 7]);
    expect(r.problems[0]).toMatch(/^lost: 1 acknowledged add .*: 7$/);
  });

  it('never counts an info add as lost, read or not', () => {
    const unread = new HistoryBuilder().call(0, 'add', 1).call(1, 'add', 2, 'info').call(2, 'read', null, 'ok', [1]);
    expect(checkSetFull(unread.ops).verdict).toBe('valid');
    expect(checkSetFull(unread.ops).details).toMatchObject({ stable: 1, neverRead: 1, lost: [] });
    const seenThenGone = new HistoryBuilder().call(0, 'add', 1).call(1, 'add', 2, 'info').call(2, 'read', null, 'ok', [1, 2]).call(3, 'read', null, 'ok', [1]);
    const r = checkSetFull(seenThenGone.ops);
    expect(r.verdict).toBe('valid');
    expect(r.details.lost).toEqual([]);
    expect(r.details.lostUnacknowledged).toEqual([{ element: 2 }]);
    expect(r.problems.join('\n')).toMatch(/lost-unacknowledged \(not counted as lost\).*: 2$/);
  });

  it('treats a read that overlapped the add and missed it as never-read, not lost', () => {
    const h = new HistoryBuilder().call(0, 'add', 1).invoke(2, 'read').invoke(1, 'add', 2).ok(1).ok(2, [1]);
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('valid');
    expect(r.details).toMatchObject({ stable: 1, neverRead: 1, lost: [] });
  });

  it('calls an element missed by one read but seen by a later one stable (a stale read), not lost', () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(2, 'read', null, 'ok', []).call(2, 'read', null, 'ok', [1]);
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('valid');
    expect(r.details).toMatchObject({ stable: 1, stale: 1, lost: [] });
  });

  it('judges by the latest read: seen, then missed by a read that began later, is lost', () => {
    // p2's read began first and saw it; p3's read began after and missed it, completing first.
    const h = new HistoryBuilder().call(0, 'add', 1).invoke(2, 'read').invoke(3, 'read').ok(3, []).ok(2, [1]);
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('invalid');
    expect(r.details.lost).toEqual([{ element: 1 }]);
  });

  it('finds elements read that nobody added, or whose add failed', () => {
    const never = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 'ok', [1, 99]);
    expect(checkSetFull(never.ops).verdict).toBe('invalid');
    expect(checkSetFull(never.ops).details.unexpected).toEqual([{ element: 99 }]);
    expect(indexes(checkSetFull(never.ops).witness)).toEqual([2, 3]);
    const failed = new HistoryBuilder().call(0, 'add', 1).call(0, 'add', 2, 'fail').call(1, 'read', null, 'ok', [1, 2]);
    const r = checkSetFull(failed.ops);
    expect(r.details.unexpected).toEqual([{ element: 2 }]);
    expect(indexes(r.witness)).toEqual([2, 3, 4, 5]);
    // an add still in flight may be seen
    const inFlight = new HistoryBuilder().call(0, 'add', 1).invoke(0, 'add', 2).call(1, 'read', null, 'ok', [1, 2]);
    expect(checkSetFull(inFlight.ops).verdict).toBe('valid');
  });

  it('finds an element returned twice by one read', () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 'ok', [1, 1]);
    expect(checkSetFull(h.ops).verdict).toBe('invalid');
    expect(checkSetFull(h.ops).details.duplicated).toEqual([{ element: 1 }]);
  });

  it('is unknown when no read came after any element was known', () => {
    expect(checkSetFull([]).verdict).toBe('unknown');
    const h = new HistoryBuilder().call(0, 'add', 1).call(0, 'add', 2);
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('unknown');
    expect(r.details.neverRead).toBe(2);
  });

  it('checks each key as its own set and names the key of a lost element', () => {
    const h = new HistoryBuilder()
      .call(0, 'add', 1, 'ok', undefined, 'a')
      .call(0, 'add', 1, 'ok', undefined, 'b')
      .call(1, 'read', null, 'ok', [1], 'a')
      .call(1, 'read', null, 'ok', [], 'b');
    const r = checkSetFull(h.ops);
    expect(r.details.lost).toEqual([{ key: 'b', element: 1 }]);
    expect(r.problems[0]).toMatch(/1 \(key "b"\)$/);
    expect(r.witness.every((o) => o.key === 'b')).toBe(true);
  });

  it('finds no problem in simulated histories of a correct set, and the lost element once one is dropped', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const ops = simulateSet(seed, { threads: 5, operations: 400, crashes: 5 });
      const clean = checkSetFull(ops);
      expect(clean.verdict, `seed ${seed}: ${clean.problems.join('; ')}`).toBe('valid');
      // Plant: the store forgets one acknowledged element from the middle of the run onwards.
      const victim = ops.find((o) => o.f === 'add' && o.type === 'ok' && o.index > ops.length / 4)!.value;
      const from = Math.floor(ops.length / 2);
      const planted = ops.map((o) => (o.f === 'read' && o.type === 'ok' && o.index > from ? { ...o, value: (o.value as number[]).filter((e) => e !== victim) } : o));
      const bad = checkSetFull(planted);
      expect(bad.verdict, `seed ${seed}`).toBe('invalid');
      expect(bad.details.lost).toEqual([{ element: victim }]);
    }
  });
});

describe('set-full on a mixed history', () => {
  it('leaves out operations that are not add or read, and reads without a set', () => {
    const h = new HistoryBuilder().call(0, 'write', 5).call(0, 'add', 1).call(1, 'read', null, 'ok', 'oops').call(1, 'read', null, 'ok', [1]);
    const r = checkSetFull(h.ops);
    expect(r.verdict).toBe('valid');
    expect(r.details).toMatchObject({ attempted: 1, stable: 1 });
  });
});
