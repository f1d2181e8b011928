import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Key, Operation } from '../../src/history/operation.ts';

/**
 * Histories of correct, linearizable stores, for checking that checkers find no
 * problem where there is none (and for planting one). Each operation takes effect
 * at one moment between its invoke and its completion; threads run concurrently,
 * interleaved by a seeded generator. With `crashes`, a share of operations ends in
 * `info` (having taken effect or not) and the thread continues as a new process.
 */
export interface SimulationOptions {
  threads: number;
  operations: number;
  keys?: number;
  /** `random` (default): each operation on a random key; `sequential`: every thread works on one key, then all move to the next (Jepsen's independent generator). */
  keyOrder?: 'random' | 'sequential';
  /** Out of 100: the chance that a thread's pending operation moves on when the thread is picked (default 88); lower means longer, more overlapping operations. */
  pace?: number;
  /** Out of 100: how many operations end in info. */
  crashes?: number;
  /** Register: every write and cas writes a value never written before (default: small values 0–4, as Jepsen does). */
  distinct?: boolean;
}

interface Pending {
  f: string;
  key?: Key;
  value: unknown;
  applied: boolean;
  result?: unknown;
  failed?: boolean;
}

type Choose = (rand: (n: number) => number) => { f: string; value: unknown };

function simulate(seed: number, options: SimulationOptions, choose: Choose, apply: (p: Pending) => void): Operation[] {
  const rng = xoroshiro128plus(seed);
  const rand = (n: number) => uniformInt(rng, 0, n - 1);
  const ops: Operation[] = [];
  const pending = new Map<number, Pending>();
  const processOf = Array.from({ length: options.threads }, (_, i) => i);
  let nextProcess = options.threads;
  let invoked = 0;
  const emit = (type: Operation['type'], thread: number, p: Pending, value: unknown) =>
    ops.push({ type, f: p.f, ...(p.key === undefined ? {} : { key: p.key }), value, process: processOf[thread], time: ops.length * 1000, index: ops.length });
  while (ops.length < options.operations || pending.size > 0) {
    const thread = rand(options.threads);
    const p = pending.get(thread);
    if (!p) {
      if (ops.length >= options.operations) continue;
      const next: Pending = { ...choose(rand), applied: false };
      if (options.keys) next.key = options.keyOrder === 'sequential' ? Math.min(options.keys - 1, Math.floor((2 * invoked * options.keys) / options.operations)) : rand(options.keys);
      invoked++;
      pending.set(thread, next);
      emit('invoke', thread, next, next.f === 'read' ? null : next.value);
    } else if (rand(100) >= (options.pace ?? 88)) {
      continue; // this thread's operation is still in flight
    } else if (!p.applied && rand(8) !== 0) {
      apply(p);
      p.applied = true;
    } else {
      pending.delete(thread);
      if (options.crashes && rand(100) < options.crashes) {
        emit('info', thread, p, p.f === 'read' ? null : p.value);
        processOf[thread] = nextProcess++;
      } else if (!p.applied) {
        pending.set(thread, p); // not yet taken effect: it cannot complete ok
      } else {
        emit(p.failed ? 'fail' : 'ok', thread, p, p.f === 'read' && !p.failed ? p.result : p.value);
      }
    }
  }
  return ops;
}

/** A correct set: adds of fresh elements and reads of the whole set. */
export function simulateSet(seed: number, options: SimulationOptions): Operation[] {
  const sets = new Map<Key | undefined, number[]>();
  let next = 0;
  return simulate(seed, options, (rand) => (rand(4) === 0 ? { f: 'read', value: null } : { f: 'add', value: next++ }), (p) => {
    let set = sets.get(p.key);
    if (!set) sets.set(p.key, (set = []));
    if (p.f === 'add') set.push(p.value as number);
    else p.result = [...set];
  });
}

/** A correct register per key (initially null): reads, writes of small values, and cas, which fails (as Jepsen records it) when the value differs. */
export function simulateRegister(seed: number, options: SimulationOptions): Operation[] {
  const values = new Map<Key | undefined, unknown>();
  let fresh = 100;
  const value = (rand: (n: number) => number) => (options.distinct ? fresh++ : rand(5));
  const choose: Choose = (rand) => {
    const which = rand(3);
    if (which === 0) return { f: 'read', value: null };
    if (which === 1) return { f: 'write', value: value(rand) };
    return { f: 'cas', value: [rand(5) + (options.distinct ? fresh - 5 : 0), value(rand)] };
  };
  return simulate(seed, options, choose, (p) => {
    const current = values.has(p.key) ? values.get(p.key) : null;
    if (p.f === 'read') p.result = current;
    else if (p.f === 'write') values.set(p.key, p.value);
    else if ((p.value as unknown[])[0] === current) values.set(p.key, (p.value as unknown[])[1]);
    else p.failed = true;
  });
}
