// Chaos timings: how long a fault takes to be in force, and how many faults a
// minute the MySQL chaos suite sustains with every check holding — from a real
// run of scenarios/mysql-chaos.ts (a nested `emu run`, its own node), read back
// from its history. Beside them, the same kernel effects done bare.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { partitionRules } from '../src/chaos/network-faults.ts';
import type { Schedule } from '../src/chaos/plan.ts';
import { parseHistory } from '../src/history/read-history.ts';
import type { Operation } from '../src/history/operation.ts';
import { timed } from './stats.ts';

const BIN = fileURLToPath(new URL('../bin/emu.mjs', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../scenarios/mysql-chaos.ts', import.meta.url));
const SEED = '11';

/** p50 and p99 of a sample (ms). */
export function percentiles(samples: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), n: sorted.length };
}

export interface ChaosSuiteBench {
  passed: boolean;
  applied: number;
  scheduled: number;
  durationMs: number;
  /** Fault issued (its pods running) → its effect in force, as the fault controller reports it, per fault kind and all together. */
  issued: Map<string, number[]>;
  /** Scheduled start → effect in force (includes waiting for pods still restarting from the fault before). */
  scheduledToEffect: number[];
  wallMs: number;
}

/** One seeded run of the MySQL chaos suite, as `emu run` does it. */
export async function benchChaosSuite(): Promise<ChaosSuiteBench> {
  const home = await mkdtemp('/var/tmp/emu-bench-chaos-');
  try {
    const env = { EMU_HOME: home, EMU_TIME_SCALE: '0.1', PATH: process.env.PATH ?? '' };
    const plan = JSON.parse((await execa(process.execPath, [BIN, 'run', SCENARIO, '--seed', SEED, '--plan'], { env, extendEnv: false })).stdout) as Schedule;
    const report = `${home}/report.json`;
    const run = await timed(() => execa(process.execPath, [BIN, 'run', SCENARIO, '--seed', SEED, '--json', report], { env, extendEnv: false, reject: false }));
    const { history: file } = JSON.parse(readFileSync(report, 'utf8')) as { history: string };
    const ops = parseHistory(readFileSync(file, 'utf8'), file);
    const starts = pairs(ops.filter((o) => o.process === 'nemesis' && o.f === 'start'));
    const issued = new Map<string, number[]>();
    for (const [invoke, ok] of starts) {
      const fault = (invoke.value as { fault: string }).fault;
      issued.set(fault, [...(issued.get(fault) ?? []), (ok.time - invoke.time) / 1e6]);
    }
    // Which scheduled fault each applied one was (a skipped one leaves no operation), in order.
    let next = 0;
    const applied = starts.map(([invoke, ok]) => {
      const { fault, targets } = invoke.value as { fault: string; targets: string[] };
      while (next < plan.faults.length && !(plan.faults[next].fault === fault && plan.faults[next].targets.join() === targets.join())) next++;
      return { invoke, ok, start: plan.faults[next++]?.start ?? NaN };
    });
    // The schedule's clock on the history's: the first fault is due with every pod running, so it waits for none.
    const zero = applied.length ? applied[0].invoke.time / 1e6 - applied[0].start : 0;
    return {
      passed: run.value.exitCode === 0,
      applied: starts.length,
      scheduled: plan.faults.length,
      durationMs: plan.duration,
      issued,
      scheduledToEffect: applied.map((a) => a.ok.time / 1e6 - zero - a.start),
      wallMs: run.ms,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The invoke/ok pairs of the nemesis's applied faults, in order. */
function pairs(ops: Operation[]): [Operation, Operation][] {
  const out: [Operation, Operation][] = [];
  for (let i = 0; i < ops.length - 1; i++) if (ops[i].type === 'invoke' && ops[i + 1].type === 'ok') out.push([ops[i], ops[i + 1]]);
  return out;
}

/**
 * The same effects with nothing around them: SIGKILL of a process in a PID
 * namespace of its own until its parent sees it gone, and one partition's
 * nftables table loaded into a fresh network namespace (the nft process's own
 * start included, as in emu).
 */
export async function benchBareFaults(rounds = 20): Promise<{ killMs: number[]; partitionMs: number[] }> {
  const killMs: number[] = [];
  const partitionMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const child = execa('unshare', ['--pid', '--fork', '--kill-child', 'sleep', '60'], { reject: false });
    await new Promise((r) => setTimeout(r, 20));
    killMs.push((await timed(async () => {
      child.kill('SIGKILL');
      await child;
    })).ms);
    const ns = execa('unshare', ['--net', 'sleep', '60'], { reject: false });
    await new Promise((r) => setTimeout(r, 20));
    partitionMs.push((await timed(() => execa('nsenter', [`--net=/proc/${ns.pid}/ns/net`, 'nft', '-f', '-'], { input: partitionRules(`bench-${i}`, ['10.244.0.5', '10.244.0.9']) }))).ms);
    ns.kill('SIGKILL');
    await ns;
  }
  return { killMs, partitionMs };
}
