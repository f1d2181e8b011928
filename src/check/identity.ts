import { EmuError } from '../errors.ts';
import { count, listSome, type CheckResult } from './result.ts';

/**
 * The `identity` checker: at most one live incarnation per pod identity, at every
 * moment (what a StatefulSet promises). Its input is the engine's record of pod
 * incarnations: each is one process tree that carried the identity, from the
 * moment it started to the moment it was gone (end null: still running).
 * Intervals are half-open: one ending exactly when the next starts is fine.
 */
export interface Incarnation {
  /** `default/mysql-0` */
  identity: string;
  /** Unique per incarnation (the pod's uid). */
  uid: string;
  /** Any monotonic clock, the same for all (e.g. nanoseconds since the run began). */
  start: number;
  end: number | null;
}

export interface Overlap {
  identity: string;
  first: Incarnation;
  second: Incarnation;
}

export interface IdentityDetails {
  identities: number;
  incarnations: number;
  overlaps: Overlap[];
}

/** Refuse malformed incarnations with one line (done before the check, on the caller's thread). */
export function validateIncarnations(incarnations: readonly Incarnation[]): void {
  const uids = new Set<string>();
  incarnations.forEach((inc, i) => {
    const where = `incarnation ${i} (${inc.identity ?? '?'}, uid ${inc.uid ?? '?'})`;
    if (typeof inc.identity !== 'string' || typeof inc.uid !== 'string' || !Number.isFinite(inc.start)) throw new EmuError('CHECK_INPUT_INVALID', `${where}: needs identity, uid and a numeric start`);
    if (inc.end !== null && !(Number.isFinite(inc.end) && inc.end >= inc.start)) throw new EmuError('CHECK_INPUT_INVALID', `${where}: end ${inc.end} must be null or not before start ${inc.start}`);
    if (uids.has(inc.uid)) throw new EmuError('CHECK_INPUT_INVALID', `${where}: uid ${inc.uid} appears twice; each incarnation has its own`);
    uids.add(inc.uid);
  });
}

export function checkIdentity(incarnations: readonly Incarnation[]): CheckResult<IdentityDetails> {
  validateIncarnations(incarnations);
  const byIdentity = new Map<string, Incarnation[]>();
  for (const inc of incarnations) {
    const list = byIdentity.get(inc.identity) ?? [];
    list.push(inc);
    byIdentity.set(inc.identity, list);
  }
  const overlaps: Overlap[] = [];
  for (const [identity, list] of byIdentity) {
    list.sort((a, b) => a.start - b.start);
    // The incarnation alive longest so far; any later one starting before it ends overlaps it.
    let longest = list[0];
    for (const inc of list.slice(1)) {
      if (longest.end === null || inc.start < longest.end) overlaps.push({ identity, first: longest, second: inc });
      if (longest.end !== null && (inc.end === null || inc.end > longest.end)) longest = inc;
    }
  }
  const details: IdentityDetails = { identities: byIdentity.size, incarnations: incarnations.length, overlaps };
  const summary = `${count(incarnations.length, 'incarnation')} of ${count(byIdentity.size, 'identity', 'identities')}: ${count(overlaps.length, 'overlap')}`;
  if (incarnations.length === 0) return { checker: 'identity', verdict: 'unknown', summary, problems: ['no incarnations recorded: nothing to check'], witness: [], details };
  const span = (i: Incarnation) => `uid ${i.uid} [${i.start}, ${i.end ?? 'still running'})`;
  const problems = overlaps.map((o) => `${o.identity}: ${span(o.first)} and ${span(o.second)} were alive at the same time`);
  if (overlaps.length) problems.unshift(`two live incarnations at once: ${listSome([...new Set(overlaps.map((o) => o.identity))])}`);
  return { checker: 'identity', verdict: overlaps.length ? 'invalid' : 'valid', summary, problems, witness: [], details };
}
