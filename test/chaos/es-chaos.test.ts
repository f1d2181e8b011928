// The Elasticsearch chaos suite through the CLI, on three real ES 8.14 JVMs: a
// seeded schedule of node kills, deletions, pauses and partitions while clients
// index through the ClusterIP Service; once green, nothing acknowledged is lost,
// every node finds every document, every shard copy matches its primary.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/read-history.ts';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const t = testHome('es-chaos');

describe('emu run scenarios/es-chaos.ts', () => {
  afterAll(() => t.cleanup());

  it('no acknowledged document lost once green; every node coordinates; shard copies agree', { timeout: 540_000 }, async () => {
    const reportFile = `${t.home}/report.json`;
    const result = await emu(['run', `${ROOT}scenarios/es-chaos.ts`, '--seed', '5', '--json', reportFile], { EMU_HOME: t.env.EMU_HOME }, { timeoutMs: 510_000 });
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.steps.filter((s: { status: string }) => s.status !== 'passed'), result.stdout).toEqual([]);
    expect(result.exitCode).toBe(0);
    const history = parseHistory(readFileSync(report.history, 'utf8'), report.history);
    const applied = history.filter((o) => o.process === 'nemesis' && o.f === 'start' && o.type === 'ok');
    expect(applied.length).toBeGreaterThanOrEqual(4);
    expect(history.filter((o) => o.f === 'add' && o.type === 'ok').length).toBeGreaterThan(100);
    expect(result.stdout).toMatch(/set-full: valid — \d+ elements: \d+ stable, 0 lost/);
    expect(result.stdout).toMatch(/convergence: valid — 3 copies in 3 groups/);
    expect(await leftovers(t.home)).toEqual([]);
  });
});
