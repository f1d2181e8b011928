// The ZooKeeper ensemble of the Kubernetes tutorial under chaos, through the CLI:
// the leader (whichever server leads at the time) is partitioned away and later
// killed; each time another server is elected, and no acknowledged znode is lost.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/read-history.ts';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const t = testHome('zk-chaos');

describe('emu run scenarios/zk-chaos.ts', () => {
  afterAll(() => t.cleanup());

  it('a new leader after the leader is partitioned and after it is killed; no acknowledged znode lost', { timeout: 420_000 }, async () => {
    const reportFile = `${t.home}/report.json`;
    const result = await emu(['run', `${ROOT}scenarios/zk-chaos.ts`, '--seed', '2', '--json', reportFile], { EMU_HOME: t.env.EMU_HOME, EMU_TIME_SCALE: '0.1' }, { timeoutMs: 400_000 });
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.steps.filter((s: { status: string }) => s.status !== 'passed'), result.stdout).toEqual([]);
    expect(result.exitCode).toBe(0);
    const notes: string[] = report.steps.flatMap((s: { notes: string[] }) => s.notes);
    // Seed 2: the partition first, then the kill, each of the leader of the moment.
    const partition = notes.find((n) => n.startsWith('partition of '))!;
    const kill = notes.find((n) => n.startsWith('pod-kill of '))!;
    expect(partition).toMatch(/^partition of (zk-\d): (zk-\d) seen leading [\d.]+ s later$/);
    expect(kill).toMatch(/^pod-kill of (zk-\d): (zk-\d) seen leading [\d.]+ s later$/);
    for (const line of [partition, kill]) {
      const [, old, elected] = /of (zk-\d): (zk-\d)/.exec(line)!;
      expect(elected).not.toBe(old);
    }
    const history = parseHistory(readFileSync(report.history, 'utf8'), report.history);
    const faults = history.filter((o) => o.process === 'nemesis' && o.f === 'start' && o.type === 'ok');
    expect(faults.map((o) => (o.value as { fault: string }).fault)).toEqual(['partition', 'pod-kill']);
    expect(history.filter((o) => o.f === 'add' && o.type === 'ok').length).toBeGreaterThan(100);
    expect(result.stdout).toMatch(/set-full: valid — \d+ elements: \d+ stable, 0 lost/);
    expect(result.stdout).toMatch(/convergence: valid — 2 copies in 1 group compared with their reference: 0 differ/);
    expect(await leftovers(t.home)).toEqual([]);
  });
});
