// The Elasticsearch scenario end to end through the CLI, on three real ES 8.14 JVMs:
// every step passes, the report shows the reschedules happened, and nothing of the
// scenario's emu home is left running afterwards.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, leftovers, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const TEN_MINUTES = 10 * 60_000;

describe('scenario es-coordinator', () => {
  const { env, home, cleanup } = testHome('es-coordinator');
  afterAll(() => cleanup());

  it('passes every step on a real 3-node Elasticsearch cluster and leaves nothing running', async () => {
    const reportFile = `${home}/report.json`;
    // emu run picks its own cluster (named after the scenario): only EMU_HOME, no EMU_CLUSTER.
    const run = emu(['run', `${ROOT}scenarios/es-coordinator.ts`, '--json', reportFile], { EMU_HOME: env.EMU_HOME }, { timeoutMs: TEN_MINUTES - 30_000 });

    // While it runs, the other emu commands see the scenario's cluster: three JVM-backed
    // pods with their volumes, reachable by name from inside each other.
    const during = { EMU_HOME: env.EMU_HOME, EMU_CLUSTER: 'es-coordinator' };
    const deadline = Date.now() + 5 * 60_000;
    let wide: string[] = [];
    while (wide.filter((l) => /^es-cluster-\d\s+1\/1\s+Running/.test(l)).length < 3) {
      if (Date.now() > deadline) throw new Error(`pods never all Ready: ${wide.join('\n')}`);
      wide = (await emu(['get', 'pods', '-o', 'wide'], during)).stdout.split('\n');
    }
    for (const n of [0, 1, 2]) expect(wide.find((l) => l.startsWith(`es-cluster-${n} `))).toMatch(new RegExp(`/volumes/default/es-data-es-cluster-${n}$`));
    expect(processesOf(env.EMU_HOME).filter((p) => p.includes('dev.emu.elasticsearch.Launcher'))).toHaveLength(3);
    const answer = await emu(['exec', 'es-cluster-0', '--', 'curl', '-s', 'http://es-cluster-2.es-headless-service:9200/'], during);
    expect(JSON.parse(answer.stdout)).toMatchObject({ name: 'es-cluster-2', version: { number: '8.14.3' } });

    const result = await run;
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const failed = report.steps.filter((s: any) => s.status !== 'passed');
    expect(failed, result.stdout + result.stderr).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.passed).toBe(true);
    expect(report.steps.map((s: any) => s.name.slice(0, 2))).toEqual(['ap', 'a.', 'b.', 'c.', 'd.', 'e.', 'f.']);

    const notes = (prefix: string): string[] => report.steps.find((s: any) => s.name.startsWith(prefix)).notes;
    // d: a data node went away and came back under the same name with a new IP.
    expect(notes('d.').join('\n')).toMatch(/health yellow: 2 nodes/);
    expect(notes('d.').join('\n')).toMatch(/(es-cluster-\d): (10\.[\d.]+) -> (10\.[\d.]+), Ready/);
    const [, , oldIp, newIp] = notes('d.').join('\n').match(/(es-cluster-\d): (10\.[\d.]+) -> (10\.[\d.]+)/)!;
    expect(newIp).not.toBe(oldIp);
    // e: the master changed.
    const elected = notes('e.').join('\n').match(/(es-cluster-\d) elected .* after (es-cluster-\d) was deleted/);
    expect(elected).not.toBeNull();
    expect(elected![1]).not.toBe(elected![2]);
    // c: the routing formula was checked for every document.
    expect(notes('c.').join('\n')).toMatch(/shard 0: \d+ docs, primary on es-cluster-\d/);

    expect(await leftovers(home)).toEqual([]);
  }, TEN_MINUTES);
});
