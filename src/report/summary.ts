import { formatCheckResult } from '../check/format.ts';
import { combineVerdicts } from '../check/result.ts';
import { countsByF, faultSpans, type FaultSpan, type RunRecord } from './run-record.ts';

const seconds = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;

function faultLine(span: FaultSpan): string {
  const when = seconds(span.start).padStart(10);
  const what = `${span.fault}${span.params?.netem ? ` (${String(span.params.netem)})` : ''}`.padEnd(22);
  // emu's nemesis reports why it could not apply a fault (then nothing of it is in force).
  if (span.uncertain && span.error && (!span.lasting || span.end === null)) return `  ${when}  ${what} ${span.targets.join(', ').padEnd(24)} not applied: ${span.error}`;
  const end = !span.lasting ? (span.applied === null ? 'never completed' : 'at once') : span.end === null ? 'NOT HEALED' : `healed at ${seconds(span.end)}`;
  return `  ${when}  ${what} ${span.targets.join(', ').padEnd(24)} ${end}${span.uncertain ? ' (uncertain: the nemesis got no answer)' : ''}`;
}

/** The end-of-run summary: fault timeline, ok/fail/info per f, each checker's verdict. */
export function formatRunSummary(run: RunRecord): string {
  const spans = faultSpans(run.history);
  const lines = [`${run.title}${run.seed === undefined ? '' : ` (seed ${run.seed})`}`];
  lines.push(`faults: ${spans.length}`);
  for (const span of spans) lines.push(faultLine(span));
  const counts = countsByF(run.history);
  lines.push('operations:');
  lines.push(`  ${'f'.padEnd(12)} ${'ok'.padStart(8)} ${'fail'.padStart(8)} ${'info'.padStart(8)}`);
  for (const [f, c] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${f.padEnd(12)} ${String(c.ok).padStart(8)} ${String(c.fail).padStart(8)} ${String(c.info).padStart(8)}`);
  lines.push(`checks: ${combineVerdicts(run.results.map((r) => r.verdict))}`);
  for (const result of run.results) lines.push(formatCheckResult(result).replace(/^/gm, '  '));
  return lines.join('\n');
}
