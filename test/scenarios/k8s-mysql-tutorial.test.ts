// The Kubernetes MySQL tutorial's manifests, unchanged, on real MariaDB through `emu run`;
// and with super-read-only taken out of its ConfigMap, which the scenario must catch.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('k8s-mysql-tutorial');
const noCluster = { EMU_HOME: env.EMU_HOME };
const TEN_MINUTES = 600_000;

describe('emu run scenarios/k8s-mysql-tutorial.ts', () => {
  afterAll(() => cleanup());

  it('passes every tutorial step, clones each new replica from the one before it, and leaves nothing behind', async () => {
    const reportFile = `${home}/report.json`;
    const result = await emu(['run', `${ROOT}scenarios/k8s-mysql-tutorial.ts`, '--json', reportFile], noCluster, { timeoutMs: TEN_MINUTES - 30_000 });
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.steps.filter((s: any) => s.status !== 'passed'), result.stdout + result.stderr).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.steps.map((s: any) => s.name.slice(0, 2))).toEqual(['ap', 'a.', 'b.', 'c.', 'd.', 'e.', 'f.', 'g.', 'h.']);
    const notes = (prefix: string): string => report.steps.find((s: any) => s.name.startsWith(prefix)).notes.join('\n');
    // The clone chain: each new pod from its predecessor, the first from the primary's binlog position.
    expect(notes('a.')).toMatch(/^mysql-1: cloned from mysql-0, replicating from mysql-0 at mysqld-bin\.\d+:\d+ \(xtrabackup_binlog_info\)$/m);
    expect(notes('a.')).toMatch(/^mysql-2: cloned from mysql-1, replicating from mysql-0 at mysqld-bin\.\d+:\d+ \(xtrabackup_slave_info\)$/m);
    expect(notes('g.')).toMatch(/^mysql-3: cloned from mysql-2, .* \(xtrabackup_slave_info\)$/m);
    expect(notes('g.')).toMatch(/^mysql-4: cloned from mysql-3, .* \(xtrabackup_slave_info\)$/m);
    expect(notes('c.')).toMatch(/^30 connections through mysql-read: 100×\d+, 101×\d+, 102×\d+$/);
    expect(await leftovers(home)).toEqual([]);
  }, TEN_MINUTES);

  it('fails step d readably when the replicas are not super-read-only', async () => {
    const configMap = readFileSync(`${ROOT}scenarios/manifests/k8s-tutorials/mysql-configmap.yaml`, 'utf8');
    expect(configMap).toContain('    super-read-only\n');
    mkdirSync(`${ROOT}test/scenarios/fixtures/generated`, { recursive: true });
    writeFileSync(`${ROOT}test/scenarios/fixtures/generated/mysql-configmap-no-super-read-only.yaml`, configMap.replace('    super-read-only\n', ''));

    const result = await emu(['run', `${ROOT}test/scenarios/fixtures/k8s-mysql-tutorial-no-super-read-only.ts`], noCluster, { timeoutMs: TEN_MINUTES - 30_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/✓ a\. mysql-1 and mysql-2 were cloned/);
    expect(result.stdout).toMatch(/✗ d\. super-read-only on the replicas/);
    expect(result.stdout).toMatch(/mysql-1 \(super-read-only\) is read-only\n\s+expected: 1\n\s+actual:\s+0\n/);
    expect(await leftovers(home)).toEqual([]);
  }, TEN_MINUTES);
});
