import { describe, expect, it } from 'vitest';
import { formatStep, formatSummary, type ScenarioReport, type StepResult } from '../../src/scenario/report.ts';

const step = (o: Partial<StepResult> = {}): StepResult => ({ name: 'pods come up in order', status: 'passed', durationMs: 1500, notes: [], ...o });

describe('formatStep', () => {
  it('shows a mark, the name and the duration in seconds on one line', () => {
    const line = formatStep(step());
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^\s+✓ pods come up in order\s+1\.50s$/);
  });

  it('marks failed and skipped steps differently, and shows "skipped" instead of a duration', () => {
    const failed = formatStep(step({ status: 'failed' }));
    const skipped = formatStep(step({ status: 'skipped', durationMs: 0 }));
    const passed = formatStep(step());
    expect(failed.trim()[0]).not.toBe(passed.trim()[0]);
    expect(skipped.trim()[0]).not.toBe(passed.trim()[0]);
    expect(skipped.trim()[0]).not.toBe(failed.trim()[0]);
    expect(failed).toMatch(/✗/);
    expect(skipped).toMatch(/skipped$/);
    expect(skipped).not.toMatch(/\d\.\d+s/);
  });

  it('uses two decimals under 10 s and one from 10 s on', () => {
    expect(formatStep(step({ durationMs: 40 }))).toMatch(/ 0\.04s$/);
    expect(formatStep(step({ durationMs: 9_500 }))).toMatch(/ 9\.50s$/);
    expect(formatStep(step({ durationMs: 12_345 }))).toMatch(/ 12\.3s$/);
    expect(formatStep(step({ durationMs: 125_000 }))).toMatch(/ 125\.0s$/);
  });

  it('lines durations up in one column across steps with different name lengths', () => {
    const a = formatStep(step({ name: 'short', durationMs: 1000 }));
    const b = formatStep(step({ name: 'a much longer step name than the first one', durationMs: 2000 }));
    expect(a.indexOf('1.00s')).toBe(b.indexOf('2.00s'));
  });

  it('lists notes, then the error with expected and actual, indented under the step', () => {
    const out = formatStep(
      step({ status: 'failed', notes: ['web-0 Running', 'web-1 Pending'], error: { message: 'web-1 never became ready', expected: 'true', actual: 'false' } }),
    ).split('\n');
    expect(out).toHaveLength(6);
    const indent = (l: string) => l.length - l.trimStart().length;
    for (const line of out.slice(1)) expect(indent(line)).toBeGreaterThan(indent(out[0]));
    expect(out.slice(1, 3).map((l) => l.trim())).toEqual(['web-0 Running', 'web-1 Pending']);
    expect(out[3].trim()).toBe('web-1 never became ready');
    expect(out[4].trim()).toMatch(/^expected:\s+true$/);
    expect(out[5].trim()).toMatch(/^actual:\s+false$/);
    // expected and actual values start in the same column, for easy comparison
    expect(out[4].indexOf('true')).toBe(out[5].indexOf('false'));
  });

  it('omits expected/actual when the error has none', () => {
    const out = formatStep(step({ status: 'failed', error: { message: 'boom' } }));
    expect(out.split('\n')).toHaveLength(2);
    expect(out).not.toContain('expected');
  });

  it('shows falsy expected values (0, "", false) rather than dropping them', () => {
    const out = formatStep(step({ status: 'failed', error: { message: 'count', expected: 0, actual: 3 } }));
    expect(out).toMatch(/expected:\s+0$/m);
    expect(out).toMatch(/actual:\s+3$/m);
  });
});

describe('formatSummary', () => {
  const report = (statuses: StepResult['status'][], passed: boolean): ScenarioReport => ({
    scenario: 'web',
    file: 'scenarios/web.yaml',
    passed,
    durationMs: 1000,
    steps: statuses.map((status, i) => step({ name: `s${i}`, status })),
  });

  it('counts passed and failed steps', () => {
    expect(formatSummary(report(['passed', 'passed', 'passed'], true))).toBe('PASS: 3 passed, 0 failed');
    expect(formatSummary(report(['passed', 'failed'], false))).toBe('FAIL: 1 passed, 1 failed');
  });

  it('mentions skipped steps only when there are some', () => {
    expect(formatSummary(report(['passed', 'failed', 'skipped', 'skipped'], false))).toBe('FAIL: 1 passed, 1 failed, 2 skipped');
    expect(formatSummary(report([], true))).toBe('PASS: 0 passed, 0 failed');
  });
});
