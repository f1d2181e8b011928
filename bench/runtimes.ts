// Native vs Docker, side by side in one run: each runtime runs the same bench
// scenario (runtime-compare.ts) and the whole mysql-rw scenario, each in a
// fresh cluster of its own, as a user would (`emu run --runtime …`).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RuntimeName } from '../src/runtime/container-runtime.ts';
import { benchMysqlScenario } from './mysql.ts';

export interface RuntimeNumbers {
  runtime: RuntimeName;
  podStartMs: number;
  /** 3 MySQL replicas all Ready from fresh volumes. */
  mysqlReadyMs: number;
  replicaMs: number;
  scenarioMs: number;
  passed: boolean;
}

interface StepReport {
  name: string;
  status: string;
  durationMs: number;
  notes: string[];
}

export async function benchRuntime(runtime: RuntimeName): Promise<RuntimeNumbers> {
  const dir = await mkdtemp('/var/tmp/emu-bench-runtime-');
  try {
    const report = `${dir}/report.json`;
    const bin = fileURLToPath(new URL('../bin/emu.mjs', import.meta.url));
    const scenario = fileURLToPath(new URL('./runtime-compare.ts', import.meta.url));
    const run = await execa(process.execPath, [bin, 'run', scenario, '--runtime', runtime, '--json', report], { reject: false, env: { EMU_CLUSTER: `bench-${runtime}` } });
    const steps = (JSON.parse(await readFile(report, 'utf8').catch(() => '{"steps":[]}')) as { steps: StepReport[] }).steps;
    const note = (key: string) => Number(steps.flatMap((s) => s.notes).find((n) => n.startsWith(`${key}=`))?.split('=')[1] ?? NaN);
    const whole = await benchMysqlScenario(runtime);
    return {
      runtime,
      podStartMs: note('podStartMs'),
      mysqlReadyMs: steps[0]?.durationMs ?? NaN,
      replicaMs: note('replicaMs'),
      scenarioMs: whole.ms,
      passed: run.exitCode === 0 && whole.passed,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
