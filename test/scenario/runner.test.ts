// emu run: a passing scenario, a failing one (expected/actual in the report),
// invalid scenario files (located one-line errors), --json and --keep.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, leftovers, processesOf, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('runner');
const noCluster = { EMU_HOME: env.EMU_HOME };
const fixtures = `${ROOT}test/scenario/fixtures`;

describe('emu run', () => {
  afterAll(() => cleanup());

  it('runs the web scenario: every step passes, exit 0, JSON report on request', async () => {
    const report = `${home}/report.json`;
    const result = await emu(['run', `${ROOT}scenarios/web-identity.ts`, '--json', report], noCluster);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✓ each pod has hostname = pod name/);
    expect(result.stdout.split('\n').at(-1)).toBe('PASS: 4 passed, 0 failed');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.passed).toBe(true);
    expect(json.steps.map((s: any) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(processesOf(home)).toEqual([]);
  });

  it('fails with expected and actual values, skips the steps after, exit 1', async () => {
    const result = await emu(['run', `${fixtures}/failing.ts`], noCluster);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/✗ ordered-0 is called ordered-1/);
    expect(result.stdout).toMatch(/hostname of ordered-0\n\s+expected: ordered-1\n\s+actual:\s+ordered-0/);
    expect(result.stdout).toMatch(/- never reached\s+skipped/);
    expect(result.stdout.split('\n').at(-1)).toBe('FAIL: 1 passed, 1 failed, 1 skipped');
    expect(processesOf(home)).toEqual([]);
  });

  it('--json without a file writes only the report to stdout', async () => {
    const result = await emu(['run', `${fixtures}/failing.ts`, '--json'], noCluster);
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.steps[1]).toMatchObject({ name: 'ordered-0 is called ordered-1', status: 'failed', error: { expected: 'ordered-1', actual: 'ordered-0' } });
  });

  it('reports a syntax error in a scenario with file:line:col, starting nothing', async () => {
    const result = await emu(['run', `${fixtures}/syntax-error.ts`], noCluster);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: ${fixtures}/syntax-error.ts:8:16: Unexpected ";"$`));
    expect(processesOf(home)).toEqual([]);
  });

  it('requires a defineScenario default export, and an existing file', async () => {
    const noDefault = await emu(['run', `${fixtures}/no-default.ts`], noCluster);
    expect(noDefault.stderr).toMatch(/no-default.ts:1:1: the default export must be defineScenario/);
    const missing = await emu(['run', `${fixtures}/nope.ts`], noCluster);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`error: ${fixtures}/nope.ts: scenario file not found`);
  });

  it('--keep leaves the cluster running for other emu commands', async () => {
    const result = await emu(['run', `${fixtures}/failing.ts`, '--keep'], noCluster);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('cluster "failing" kept running');
    const kept = { ...noCluster, EMU_CLUSTER: 'failing' };
    expect((await emu(['get', 'pods', '-o', 'name'], kept)).stdout).toBe('pod/ordered-0\npod/ordered-1\npod/ordered-2');
    expect((await emu(['down', '--volumes'], kept)).exitCode).toBe(0);
    expect(await leftovers(home)).toEqual([]);
  });
});
