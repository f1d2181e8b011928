// Checker speed: register (linearizability) and set-full on generated histories,
// on the worker pool (every core) and on one thread, in the same run.
import { InThreadRunner, WorkerPool } from '../src/check/pool.ts';
import type { CheckResult } from '../src/check/result.ts';
import { CheckRunner } from '../src/check/runner.ts';
import type { Operation } from '../src/history/operation.ts';
import { simulateRegister, simulateSet } from '../test/helpers/simulate.ts';
import { timed } from './stats.ts';

export interface CheckerBench {
  what: string;
  threads: number;
  /** Worker pool, starting its threads included (what `emu check` pays). */
  poolMs: number;
  /** Worker pool whose threads are already running (and have run the check once). */
  warmPoolMs: number;
  /** This thread, after one run to warm it up like the pool's threads. */
  oneThreadMs: number;
  verdict: string;
}

type Check = (runner: CheckRunner) => Promise<CheckResult>;

async function measure(what: string, check: Check): Promise<CheckerBench> {
  const inThread = new CheckRunner(new InThreadRunner());
  await check(inThread);
  const single = await timed(() => check(inThread));
  const pool = new WorkerPool();
  try {
    const cold = await timed(() => check(new CheckRunner(pool)));
    const warm = await timed(() => check(new CheckRunner(pool)));
    for (const r of [cold.value, warm.value]) if (r.verdict !== single.value.verdict) throw new Error(`${what}: the pool said ${r.verdict}, one thread ${single.value.verdict}`);
    return { what, threads: pool.threads, poolMs: cold.ms, warmPoolMs: warm.ms, oneThreadMs: single.ms, verdict: single.value.verdict };
  } finally {
    await pool.close();
  }
}

const registerCheck = (ops: Operation[]): Check => (runner) => runner.register(ops, 600_000);

export async function benchCheckers(): Promise<CheckerBench[]> {
  // Jepsen's register workload: values 0–4, each key worked on by every process at once, then the next key.
  const register = simulateRegister(1, { threads: 10, operations: 100_000, keys: 1000, crashes: 1, keyOrder: 'sequential' });
  // The same with 20 processes and 5 % of operations crashed (info): the search, not moving data, dominates.
  const hard = simulateRegister(1, { threads: 20, operations: 100_000, keys: 1000, crashes: 5, keyOrder: 'sequential' });
  const set = simulateSet(1, { threads: 10, operations: 1_000_000, keys: 10_000, crashes: 1 });
  return [
    await measure(`register: ${register.length} operations, 1000 keys, 10 processes, 1 % crashed`, registerCheck(register)),
    await measure(`register: ${hard.length} operations, 1000 keys, 20 processes, 5 % crashed`, registerCheck(hard)),
    await measure(`set-full: ${set.length} operations, 10000 keys, 10 processes, 1 % crashed`, (runner) => runner.setFull(set)),
  ];
}
