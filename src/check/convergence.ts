import { count, listSome, type CheckResult, type Verdict } from './result.ts';

/**
 * The `convergence` checker: after faults heal, every copy holds exactly the
 * reference copy's rows. Its input is the final state read from each copy, in
 * groups: for MySQL one group (the table) whose reference is the primary and whose
 * copies are the replicas; for Elasticsearch one group per shard whose reference
 * is the primary shard copy and whose copies are the replica shard copies.
 * Rows are compared as JSON (object keys in any order), as multisets.
 */
export interface CopyState {
  /** Which copy: `mysql-1`, `es-2 [orders][0] replica`. */
  name: string;
  /** Its rows, or null when it could not be read (then the verdict can only be unknown or invalid). */
  rows: unknown[] | null;
  /** Why it could not be read. */
  error?: string;
}

export interface ConvergenceGroup {
  /** What the copies hold: `table app.orders`, `shard [orders][0]`. */
  name: string;
  reference: CopyState;
  copies: CopyState[];
}

export interface CopyDifference {
  group: string;
  copy: string;
  /** Rows the reference has and the copy lacks (each as often as it is missing). */
  missing: unknown[];
  /** Rows the copy has and the reference lacks. */
  extra: unknown[];
}

export interface ConvergenceDetails {
  groups: number;
  copies: number;
  differences: CopyDifference[];
  unreadable: string[];
}

/** JSON with object keys sorted, so rows compare by content. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function counts(rows: readonly unknown[]): Map<string, { row: unknown; n: number }> {
  const m = new Map<string, { row: unknown; n: number }>();
  for (const row of rows) {
    const key = canonical(row);
    const entry = m.get(key);
    if (entry) entry.n++;
    else m.set(key, { row, n: 1 });
  }
  return m;
}

/** What `a` has more of than `b`, each row as many times as the difference. */
function surplus(a: Map<string, { row: unknown; n: number }>, b: Map<string, { row: unknown; n: number }>): unknown[] {
  const out: unknown[] = [];
  for (const [key, { row, n }] of a) for (let k = b.get(key)?.n ?? 0; k < n; k++) out.push(row);
  return out;
}

export function checkConvergence(groups: readonly ConvergenceGroup[]): CheckResult<ConvergenceDetails> {
  const details: ConvergenceDetails = { groups: groups.length, copies: 0, differences: [], unreadable: [] };
  const problems: string[] = [];
  for (const group of groups) {
    const unreadable = [group.reference, ...group.copies].filter((c) => c.rows === null);
    for (const c of unreadable) {
      details.unreadable.push(`${group.name}: ${c.name}`);
      problems.push(`${group.name}: ${c.name} could not be read${c.error ? ` (${c.error})` : ''}`);
    }
    if (group.reference.rows === null) continue;
    const reference = counts(group.reference.rows);
    for (const copy of group.copies) {
      if (copy.rows === null) continue;
      details.copies++;
      const mine = counts(copy.rows);
      const missing = surplus(reference, mine);
      const extra = surplus(mine, reference);
      if (!missing.length && !extra.length) continue;
      details.differences.push({ group: group.name, copy: copy.name, missing, extra });
      const parts = [missing.length ? `lacks ${count(missing.length, 'row')} of ${group.reference.name}: ${listSome(missing, 5)}` : '', extra.length ? `has ${count(extra.length, 'row')} ${group.reference.name} lacks: ${listSome(extra, 5)}` : ''];
      problems.unshift(`${group.name}: ${copy.name} ${parts.filter(Boolean).join('; and ')}`);
    }
  }
  const verdict: Verdict = details.differences.length ? 'invalid' : details.unreadable.length || details.copies === 0 ? 'unknown' : 'valid';
  if (details.copies === 0 && !details.unreadable.length) problems.push('no copy to compare');
  const summary = `${count(details.copies, 'copy', 'copies')} in ${count(groups.length, 'group')} compared with their reference: ${details.differences.length} differ${details.unreadable.length ? `, ${details.unreadable.length} unreadable` : ''}`;
  return { checker: 'convergence', verdict, summary, problems, witness: [], details };
}
