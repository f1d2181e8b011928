import { pairCalls, type Call } from '../history/operation.ts';
import type { CheckResult, Verdict } from './result.ts';

const MARK: Record<Verdict, string> = { valid: '✓', invalid: '✗', unknown: '?' };

/** A value in at most `max` characters of JSON. */
export function shortJson(value: unknown, max = 60): string {
  const text = JSON.stringify(value) ?? 'undefined';
  if (text.length <= max) return text;
  return Array.isArray(value) ? `${text.slice(0, max - 20)}… (${value.length} items)]` : `${text.slice(0, max - 1)}…`;
}

/** Nanoseconds since the history began, as milliseconds. */
export function atMs(ns: number): string {
  return `${(ns / 1e6).toFixed(3)} ms`;
}

/** One call on one line: `p3  write 7  → ok  #12 → #15  (1.200 ms → 1.350 ms)`. */
export function formatCall(call: Call): string {
  const input = call.invoke.value === null ? '' : ` ${shortJson(call.invoke.value)}`;
  const output = call.completion && (call.f === 'read' || JSON.stringify(call.completion.value) !== JSON.stringify(call.invoke.value)) ? ` ${shortJson(call.completion.value)}` : '';
  const key = call.key === undefined ? '' : ` [key ${JSON.stringify(call.key)}]`;
  const who = call.process === 'nemesis' ? 'nemesis' : `p${call.process}`;
  const outcome = call.completion ? `${call.type}${output}` : 'no completion (open)';
  const where = call.completion ? `#${call.invoke.index} → #${call.completion.index}  (${atMs(call.invoke.time)} → ${atMs(call.completion.time)})` : `#${call.invoke.index}  (${atMs(call.invoke.time)})`;
  return `${who.padEnd(5)} ${`${call.f}${input}${key}`.padEnd(28)} → ${outcome.padEnd(16)} ${where}`;
}

/** A checker's result for people: verdict line, problems, and the witness one call a line. */
export function formatCheckResult(result: CheckResult): string {
  const lines = [`${MARK[result.verdict]} ${result.checker}: ${result.verdict} — ${result.summary}`];
  for (const problem of result.problems) lines.push(`    ${problem}`);
  if (result.witness.length) {
    lines.push('    the operations that show it:');
    for (const call of pairCalls(result.witness)) lines.push(`      ${formatCall(call)}`);
  }
  return lines.join('\n');
}
