// The MySQL chaos suite, as a user runs it: a seeded schedule of ≥30 faults
// (≥300 with `npm run chaos`, CHAOS_SOAK=1) while clients work, every checker
// holding; and two planted bugs that the checkers must catch (shorter runs, side
// by side, each in a cluster of its own).
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/read-history.ts';
import { emu, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const file = `${ROOT}scenarios/mysql-chaos.ts`;
const soak = Boolean(process.env.CHAOS_SOAK);
// A home of its own for each run: the planted-bug runs go side by side.
const homes = { holds: testHome('mysql-chaos'), failover: testHome('mysql-chaos-failover'), clusterip: testHome('mysql-chaos-clusterip') };

async function run(name: keyof typeof homes, extra: Record<string, string> = {}, args: string[] = []) {
  const t = homes[name];
  const report = `${t.home}/report.json`;
  // Kubernetes' 10 s crash back-off, scaled down: container-kill restarts come back in a second.
  const env = { EMU_HOME: t.env.EMU_HOME, EMU_TIME_SCALE: '0.1', ...extra };
  const result = await emu(['run', file, '--json', report, ...args], env, { timeoutMs: soak ? 3_600_000 : 300_000 });
  expect(existsSync(report), `no report; the run said:\n${result.stdout}\n${result.stderr}`).toBe(true);
  return { result, report: JSON.parse(readFileSync(report, 'utf8')), leftover: () => processesOf(t.home) };
}

describe('emu run scenarios/mysql-chaos.ts', () => {
  afterAll(() => Object.values(homes).forEach((t) => t.cleanup()));

  it('holds under a seeded schedule: nothing acknowledged lost, registers linearizable, routing, convergence, identity', { timeout: soak ? 3_600_000 : 300_000 }, async () => {
    const { result, report, leftover } = await run('holds', soak ? { CHAOS_SOAK: '1' } : {}, ['--seed', '11']);
    expect(report.steps.filter((s: { status: string }) => s.status !== 'passed'), result.stdout).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.seed).toBe(11);
    const history = parseHistory(readFileSync(report.history, 'utf8'), report.history);
    const applied = history.filter((o) => o.process === 'nemesis' && o.f === 'start' && o.type === 'ok').length;
    expect(applied).toBeGreaterThanOrEqual(soak ? 300 : 30);
    expect(result.stdout).toMatch(/^checks: valid$/m);
    expect(readFileSync(report.timeline, 'utf8')).toContain('<svg id="timeline-svg"');
    expect(leftover()).toEqual([]);
  });

  it.skipIf(soak).concurrent('catches an unsafe failover: lost acknowledged writes, with their ids', { timeout: 300_000 }, async () => {
    const { result, leftover } = await run('failover', { CHAOS_BUG: 'failover' }, ['--seed', '11']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/set-full: invalid/);
    expect(result.stdout).toMatch(/lost[^\n]*\d/);
    expect(result.stdout).toContain('replay: emu run');
    expect(leftover()).toEqual([]);
  });

  it.skipIf(soak).concurrent('catches writes through the ClusterIP Service: routing fails', { timeout: 300_000 }, async () => {
    const { result, leftover } = await run('clusterip', { CHAOS_BUG: 'clusterip' }, ['--seed', '11']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/routing: invalid/);
    expect(leftover()).toEqual([]);
  });
});
