// The Kubernetes ZooKeeper tutorial's manifest, unchanged, on a real ZooKeeper ensemble through
// `emu run` (with short restart back-off), plus `emu get pdb` on a running copy of it.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('zookeeper');
const TEN_MINUTES = 600_000;

describe('emu run scenarios/zookeeper.ts', () => {
  afterAll(() => cleanup());

  it('passes every tutorial step and leaves nothing behind; emu get pdb shows the budget meanwhile', async () => {
    const reportFile = `${home}/report.json`;
    const run = emu(['run', `${ROOT}scenarios/zookeeper.ts`, '--json', reportFile], { EMU_HOME: env.EMU_HOME, EMU_TIME_SCALE: '0.1' }, { timeoutMs: TEN_MINUTES - 30_000 });

    // While it runs, kubectl-style commands see the scenario's cluster and its PodDisruptionBudget.
    const during = { EMU_HOME: env.EMU_HOME, EMU_CLUSTER: 'zookeeper' };
    const deadline = Date.now() + 5 * 60_000;
    let pdb = '';
    while (!/^zk-pdb\s+N\/A\s+1\s+1\s+\S+$/m.test(pdb)) {
      if (Date.now() > deadline) throw new Error(`zk-pdb never allowed a disruption: ${pdb}`);
      pdb = (await emu(['get', 'pdb'], during)).stdout;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(pdb.split('\n')[0]).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
    // The tutorial's `kubectl logs zk-0 --tail 20`.
    const all = (await emu(['logs', 'zk-0'], during)).stdout.split('\n');
    const tail = (await emu(['logs', 'zk-0', '--tail', '20'], during)).stdout.split('\n');
    expect(all.length).toBeGreaterThan(20);
    expect(tail).toHaveLength(20);
    expect(all.slice(0, 20)).not.toEqual(tail);

    const result = await run;
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.steps.filter((s: any) => s.status !== 'passed'), result.stdout + result.stderr).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.steps.map((s: any) => s.name.slice(0, 2))).toEqual(['ap', 'a.', 'a2', 'b.', 'c.', 'd.', 'e.', 'f.', 'g.']);
    expect(report.steps.find((s: any) => s.name.startsWith('c.')).notes[0]).toMatch(/^(zk-\d: Mode: (leader|follower)(, )?){3}$/);
    // The manifest's required anti-affinity is explained, not silently dropped.
    expect(result.stdout + result.stderr).toMatch(/requiredDuringSchedulingIgnoredDuringExecution\[0\]: required podAntiAffinity: its labelSelector \(app in \(zk\)\) picks none of this template's pods/);
    expect(await leftovers(home)).toEqual([]);
  }, TEN_MINUTES);
});
