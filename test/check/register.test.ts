import { describe, expect, it } from 'vitest';
import { pairCalls, type Operation } from '../../src/history/operation.ts';
import { checkRegister } from '../../src/check/register.ts';
import { HistoryBuilder } from '../helpers/history.ts';
import { simulateRegister } from '../helpers/simulate.ts';

const MINUTE = 60_000;
const indexes = (ops: Operation[]) => ops.map((o) => o.index);

/** The witness is a history of its own that fails too (it holds no more than what shows the problem). */
function expectFailsAlone(witness: Operation[]): void {
  expect(checkRegister(witness, MINUTE).verdict).toBe('invalid');
}

const calls = (ops: Operation[]) => ops.filter((o) => o.type === 'invoke').length;

describe('register (linearizability)', () => {
  it('is valid for a sequential history a register allows', () => {
    const h = new HistoryBuilder().call(0, 'read', null, 'ok', null).call(0, 'write', 1).call(1, 'read', null, 'ok', 1).call(1, 'cas', [1, 2]).call(0, 'read', null, 'ok', 2);
    const r = checkRegister(h.ops, MINUTE);
    expect(r.verdict).toBe('valid');
    expect(r.details).toMatchObject({ keys: 1, calls: 5, invalidKeys: [] });
  });

  it('catches a read of a value never written, with that read alone as the witness', () => {
    const h = new HistoryBuilder().call(0, 'write', 1).call(1, 'read', null, 'ok', 2);
    const r = checkRegister(h.ops, MINUTE);
    expect(r.verdict).toBe('invalid');
    expect(indexes(r.witness)).toEqual([2, 3]);
  });

  it('catches a stale read after a completed write, with the fewest operations that show it', () => {
    const afterWrite = new HistoryBuilder()
      .call(2, 'read', null, 'ok', null) // 0,1 fine
      .call(0, 'write', 1) // 2,3
      .call(0, 'write', 9, 'fail') // 4,5 did not happen
      .call(1, 'read', null, 'ok', null); // 6,7 stale
    const r = checkRegister(afterWrite.ops, MINUTE);
    expect(r.verdict).toBe('invalid');
    expect(r.witness.map((o) => `${o.index}:${o.type}:${o.f}`)).toEqual(['2:invoke:write', '3:ok:write', '6:invoke:read', '7:ok:read']);
    expect(r.problems[1]).toMatch(/^the register: no order of 2 operations below/);
    // a read of 1 between them is not needed to show it: two calls still do
    const afterRead = new HistoryBuilder().call(0, 'write', 1).call(3, 'read', null, 'ok', 1).call(1, 'read', null, 'ok', null);
    const w = checkRegister(afterRead.ops, MINUTE).witness;
    expect(calls(w)).toBe(2);
    expect(indexes(w).slice(-2)).toEqual([4, 5]);
  });

  it('lets a read overlapping a write return either value', () => {
    const old = new HistoryBuilder().call(0, 'write', 1).invoke(0, 'write', 2).call(1, 'read', null, 'ok', 1).ok(0);
    const now = new HistoryBuilder().call(0, 'write', 1).invoke(0, 'write', 2).call(1, 'read', null, 'ok', 2).ok(0);
    expect(checkRegister(old.ops, MINUTE).verdict).toBe('valid');
    expect(checkRegister(now.ops, MINUTE).verdict).toBe('valid');
    // but not the old value once a later read has seen the new one
    const flip = new HistoryBuilder().call(0, 'write', 1).invoke(0, 'write', 2).call(1, 'read', null, 'ok', 2).call(1, 'read', null, 'ok', 1).ok(0);
    const r = checkRegister(flip.ops, MINUTE);
    expect(r.verdict).toBe('invalid');
    expect(indexes(r.witness)).toEqual([0, 1, 3, 4, 5, 6]); // write 1, a read of 2 (from the open write), then 1 again
  });

  it('lets an info write take effect at any later moment, or never, but only once', () => {
    const maybe = new HistoryBuilder().call(0, 'write', 1, 'info').call(1, 'read', null, 'ok', null).call(1, 'read', null, 'ok', 1);
    expect(checkRegister(maybe.ops, MINUTE).verdict).toBe('valid');
    const never = new HistoryBuilder().call(0, 'write', 1, 'info').call(1, 'read', null, 'ok', null);
    expect(checkRegister(never.ops, MINUTE).verdict).toBe('valid');
    const back = new HistoryBuilder().call(0, 'write', 1, 'info').call(1, 'read', null, 'ok', 1).call(1, 'read', null, 'ok', null);
    expect(checkRegister(back.ops, MINUTE).verdict).toBe('invalid');
  });

  it('ignores failed operations: a failed cas or write certainly did not happen', () => {
    const h = new HistoryBuilder().call(0, 'write', 1).call(0, 'cas', [5, 6], 'fail').call(1, 'write', 9, 'fail').call(1, 'read', null, 'ok', 1);
    expect(checkRegister(h.ops, MINUTE).verdict).toBe('valid');
    const wrongCas = new HistoryBuilder().call(0, 'write', 1).call(0, 'cas', [5, 6]);
    expect(checkRegister(wrongCas.ops, MINUTE).verdict).toBe('invalid');
  });

  it('checks each key as its own register and names the key that fails', () => {
    const h = new HistoryBuilder()
      .call(0, 'write', 1, 'ok', undefined, 'a')
      .call(0, 'write', 1, 'ok', undefined, 'b')
      .call(1, 'read', null, 'ok', 1, 'a')
      .call(1, 'read', null, 'ok', 2, 'b');
    const r = checkRegister(h.ops, MINUTE);
    expect(r.verdict).toBe('invalid');
    expect(r.details).toMatchObject({ keys: 2, invalidKeys: ['b'] });
    expect(r.witness.every((o) => o.key === 'b')).toBe(true);
    expect(r.problems[0]).toBe('not linearizable: 1 of 2 keys: key "b"');
  });

  it('is unknown, never valid, when the time budget runs out', () => {
    const ops = simulateRegister(7, { threads: 20, operations: 6000 });
    expect(checkRegister(ops, MINUTE).verdict).toBe('valid');
    const r = checkRegister(ops, -1);
    expect(r.verdict).toBe('unknown');
    expect(r.problems.join('\n')).toMatch(/time limit reached/);
  });

  it('is unknown when there is nothing to check', () => {
    expect(checkRegister([], MINUTE).verdict).toBe('unknown');
    expect(checkRegister(new HistoryBuilder().call(0, 'read', null, 'info').ops, MINUTE).verdict).toBe('unknown');
  });

  it('finds simulated histories of a correct register linearizable', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const ops = simulateRegister(seed, { threads: 4, operations: 300, crashes: 5 });
      const r = checkRegister(ops, MINUTE);
      expect(r.verdict, `seed ${seed}: ${r.problems.join('; ')}`).toBe('valid');
    }
  });

  it('catches a planted read of a value never written, with that read alone as the witness', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const ops = simulateRegister(seed, { threads: 4, operations: 300, crashes: 5 });
      const target = ops.filter((o) => o.f === 'read' && o.type === 'ok' && o.index > ops.length / 2)[3];
      const bad = checkRegister(ops.map((o) => (o === target ? { ...o, value: 'never-written' } : o)), MINUTE);
      expect(bad.verdict, `seed ${seed}`).toBe('invalid');
      expect(bad.witness.map((o) => o.index)).toEqual([ops.find((o) => o.process === target.process && o.type === 'invoke' && o.index < target.index && o.index > target.index - 50 && o.f === 'read' && !ops.some((x) => x.process === o.process && x.index > o.index && x.index < target.index))!.index, target.index]);
    }
  });

  it('catches a planted stale read: the overwritten write, a write after it, and the read', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const ops = simulateRegister(seed, { threads: 4, operations: 300, crashes: 5, distinct: true });
      const completed = pairCalls(ops).filter((c) => c.type === 'ok');
      const writes = completed.filter((c) => c.f === 'write');
      // A read late in the run, a write B that completed before it began, and a write A that completed before B began.
      const read = completed.filter((c) => c.f === 'read' && c.invoke.index > ops.length / 2)[3];
      const b = writes.filter((c) => c.completion!.index < read.invoke.index).at(-1)!;
      const a = writes.filter((c) => c.completion!.index < b.invoke.index).at(-1)!;
      const planted = ops.map((o) => (o === read.completion ? { ...o, value: a.invoke.value } : o));
      const bad = checkRegister(planted, MINUTE);
      expect(bad.verdict, `seed ${seed}`).toBe('invalid');
      expectFailsAlone(bad.witness);
      expect(calls(bad.witness), `seed ${seed}`).toBe(3);
      expect(indexes(bad.witness)).toContain(read.completion!.index);
      expect(indexes(bad.witness)).toContain(a.invoke.index);
    }
  });
});

describe('register on a mixed history', () => {
  it('leaves out operations that are not read, write or cas', () => {
    const h = new HistoryBuilder().call(0, 'add', 5).call(0, 'write', 1).call(1, 'cas', 'not a pair').call(1, 'read', null, 'ok', 1);
    const r = checkRegister(h.ops, 60_000);
    expect(r.verdict).toBe('valid');
    expect(r.details.calls).toBe(2);
  });
});
