export interface StepResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  notes: string[];
  error?: { message: string; expected?: unknown; actual?: unknown };
}

export interface ScenarioReport {
  scenario: string;
  file: string;
  passed: boolean;
  durationMs: number;
  steps: StepResult[];
  /** With chaos: the schedule's seed, and where the history and the HTML timeline were written. */
  seed?: number;
  history?: string;
  timeline?: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
const MARK = { passed: '✓', failed: '✗', skipped: '-' } as const;

/** One step as the terminal report shows it. */
export function formatStep(step: StepResult): string {
  const lines = [`  ${MARK[step.status]} ${step.name.padEnd(64)} ${step.status === 'skipped' ? 'skipped' : seconds(step.durationMs)}`];
  for (const note of step.notes) lines.push(`      ${note}`);
  if (step.error) {
    lines.push(`      ${step.error.message}`);
    if (step.error.expected !== undefined) lines.push(`        expected: ${String(step.error.expected)}`, `        actual:   ${String(step.error.actual)}`);
  }
  return lines.join('\n');
}

/** The closing line, in the plain form test tools read: "N passed, N failed". */
export function formatSummary(report: ScenarioReport): string {
  const count = (s: StepResult['status']) => report.steps.filter((x) => x.status === s).length;
  const skipped = count('skipped');
  return `${report.passed ? 'PASS' : 'FAIL'}: ${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
