import type { Operation } from '../history/operation.ts';

/** valid: the property holds; invalid: it does not (with a witness); unknown: could not tell (time budget, nothing to check). */
export type Verdict = 'valid' | 'invalid' | 'unknown';

export type CheckerName = 'set-full' | 'register' | 'routing' | 'convergence' | 'identity';

/** What every checker returns. */
export interface CheckResult<Details = unknown> {
  checker: CheckerName;
  verdict: Verdict;
  /** One line: what was checked and what was found. */
  summary: string;
  /** What is wrong (or why the verdict is unknown), one line each, most telling first. */
  problems: string[];
  /** When invalid: the smallest set of operations that shows it (empty for checkers of states, not histories). */
  witness: Operation[];
  details: Details;
}

/** Exit codes as Jepsen and Maelstrom use them. */
export const EXIT_CODE: Record<Verdict, number> = { valid: 0, invalid: 1, unknown: 2 };

/** invalid beats unknown beats valid; nothing at all is unknown. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('invalid')) return 'invalid';
  if (verdicts.length === 0 || verdicts.includes('unknown')) return 'unknown';
  return 'valid';
}

/** A few items and how many more: `17, 42, 99 and 12 more`. */
export function listSome(items: readonly unknown[], most = 10): string {
  const shown = items.slice(0, most).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return items.length > most ? `${shown.join(', ')} and ${items.length - most} more` : shown.join(', ');
}

/** `1 key`, `2 keys`, `1 copy`, `3 copies`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
