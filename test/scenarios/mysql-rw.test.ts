// The headline scenario on real MariaDB, as a user runs it; and the same
// scenario against a manifest broken on purpose, which must fail readably.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('mysql-rw');
const noCluster = { EMU_HOME: env.EMU_HOME };

describe('emu run scenarios/mysql-rw.ts', () => {
  afterAll(() => cleanup());

  it('passes every step on real MariaDB and leaves nothing behind', async () => {
    const report = `${home}/mysql-rw.json`;
    const result = await emu(['run', `${ROOT}scenarios/mysql-rw.ts`, '--json', report], noCluster, { timeoutMs: 600_000 });
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.steps.filter((s: any) => s.status !== 'passed')).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(json.steps.map((s: any) => s.name.split('.')[0])).toEqual(expect.arrayContaining(['a', 'b', 'c', 'd', 'e', 'f', 'g']));
    // d counts refused writes through the ClusterIP Service; f counts failed writes during the primary's gap.
    expect(json.steps.find((s: any) => s.name.startsWith('d.')).notes[0]).toMatch(/^\d+ of 30 writes through Service mysql-any were refused \(ERROR 1290\)/);
    expect(json.steps.find((s: any) => s.name.startsWith('e.')).notes[0]).toMatch(/^mysql-1: 10\.244\.\d+\.\d+ -> 10\.244\.\d+\.\d+$/);
    expect(processesOf(home)).toEqual([]);
  });

  it('fails with a readable reason when the replication wiring is removed', async () => {
    const manifest = parseAllDocuments(readFileSync(`${ROOT}scenarios/manifests/mysql.yaml`, 'utf8'));
    const set = manifest.find((d) => d.get('kind') === 'StatefulSet')!;
    const containers = set.getIn(['spec', 'template', 'spec', 'containers']) as any;
    containers.items = containers.items.filter((c: any) => c.get('name') !== 'replication');
    mkdirSync(`${ROOT}test/scenarios/fixtures/generated`, { recursive: true });
    writeFileSync(`${ROOT}test/scenarios/fixtures/generated/mysql-no-replication.yaml`, manifest.map((d) => d.toString()).join('---\n'));

    const result = await emu(['run', `${ROOT}test/scenarios/fixtures/mysql-rw-no-replication.ts`], noCluster, { timeoutMs: 600_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/✗ b\. reads go to replicas/);
    expect(result.stdout).toMatch(/mysql-1 reaches the primary's GTID position \S+\n\s+expected: 0\n\s+actual:\s+-1/);
    expect(processesOf(home)).toEqual([]);
  });
});
