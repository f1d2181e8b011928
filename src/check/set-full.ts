import { byKey, describeKey, type Key, type Operation } from '../history/operation.ts';
import { count, listSome, type CheckResult, type Verdict } from './result.ts';

/**
 * Jepsen's set-full checker. Clients `add` elements (numbers or strings) and
 * `read` the whole set; each key is an independent set. An element becomes
 * *known* when its add completes ok or a read first returns it. Then, judged by
 * the reads that began after it was known:
 * - stable: the last such read that missed it came before the last read that saw it;
 * - lost: a read that began after it was known missed it, and no later read saw it
 *   (an acknowledged add: the verdict is invalid);
 * - never-read: no read began after it was known (a read that overlapped the add
 *   and missed it says nothing).
 * An add that ended in `info` is never counted lost: if a read saw it and a later
 * read missed it, it is reported as `lost-unacknowledged`, which the system never
 * promised to keep. Also invalid: a read returning an element nobody added (or
 * whose add failed), or the same element twice.
 */
export type Element = number | string;

interface ReadRef {
  invoke: Operation;
  completion: Operation;
}

interface Tracked {
  element: Element;
  /** The acknowledged add (invoke and ok), or the first add when none was acknowledged. */
  add?: Operation[];
  acknowledged: boolean;
  /** Some add of it failed; `maybe`: some add ended ok or info, or never ended. */
  failed: boolean;
  maybe: boolean;
  /** Adds of it under way. */
  pending: number;
  /** Position in the order elements became known (-1: not known). */
  knownPos: number;
  firstRead?: ReadRef;
  lastPresent?: ReadRef;
  lastAbsent?: ReadRef;
}

export interface SetFullKeyResult {
  key?: Key;
  attempted: number;
  stable: number;
  neverRead: number;
  /** Elements that a read missed after they were known, though a later read saw them. */
  stale: number;
  lost: Element[];
  lostUnacknowledged: Element[];
  unexpected: Element[];
  duplicated: Element[];
  /** Operations that show the first problem of this key. */
  witness: Operation[];
}

export interface SetFullDetails {
  keys: number;
  attempted: number;
  stable: number;
  neverRead: number;
  stale: number;
  lost: KeyedElement[];
  lostUnacknowledged: KeyedElement[];
  unexpected: KeyedElement[];
  duplicated: KeyedElement[];
}

export interface KeyedElement {
  key?: Key;
  element: Element;
}

/** The operations set-full reads; a problem in a few words, or undefined. */
export function setFullRule(op: Operation): string | undefined {
  if (op.f !== 'add' && op.f !== 'read') return `f: "${op.f}" is not a set-full operation (add or read)`;
  if (op.f === 'add' && !isElement(op.value)) return `value: an add's element must be a number or a string, got ${JSON.stringify(op.value)}`;
  if (op.f === 'read' && op.type === 'ok' && !(Array.isArray(op.value) && op.value.every(isElement))) {
    return `value: an ok read must hold the whole set as an array of numbers or strings, got ${JSON.stringify(op.value).slice(0, 80)}`;
  }
  return undefined;
}

function isElement(v: unknown): v is Element {
  return typeof v === 'number' || typeof v === 'string';
}

/** Check one key's operations (client operations of one set, in history order). */
export function checkSetFullKey(key: Key | undefined, ops: readonly Operation[]): SetFullKeyResult {
  const tracked = new Map<Element, Tracked>();
  const known: Tracked[] = [];
  const openAdds = new Map<unknown, { t: Tracked; invoke: Operation }>();
  const openReads = new Map<unknown, { invoke: Operation; knownCount: number }>();
  const duplicated = new Map<Element, Operation[]>();
  const track = (element: Element): Tracked => {
    let t = tracked.get(element);
    if (!t) tracked.set(element, (t = { element, acknowledged: false, failed: false, maybe: false, pending: 0, knownPos: -1 }));
    return t;
  };
  const becomeKnown = (t: Tracked) => {
    t.knownPos = known.length;
    known.push(t);
  };

  for (const op of ops) {
    if (op.f === 'add') {
      if (op.type === 'invoke') {
        const t = track(op.value as Element);
        t.pending++;
        openAdds.set(op.process, { t, invoke: op });
        continue;
      }
      const open = openAdds.get(op.process);
      openAdds.delete(op.process);
      if (!open) continue;
      const t = open.t;
      t.pending--;
      if (op.type === 'fail') t.failed = true;
      else t.maybe = true;
      if (op.type === 'ok' && !t.acknowledged) {
        t.acknowledged = true;
        t.add = [open.invoke, op];
        if (t.knownPos < 0) becomeKnown(t);
      } else {
        t.add ??= [open.invoke, op];
      }
      continue;
    }
    if (op.f !== 'read') continue; // not a set-full operation (a history read from a file was refused earlier)
    if (op.type === 'invoke') {
      openReads.set(op.process, { invoke: op, knownCount: known.length });
      continue;
    }
    const open = openReads.get(op.process);
    openReads.delete(op.process);
    if (!open || op.type !== 'ok' || !Array.isArray(op.value)) continue;
    const read: ReadRef = { invoke: open.invoke, completion: op };
    const seen = new Set<Element>();
    let knownBefore = 0;
    for (const element of op.value as Element[]) {
      if (seen.has(element)) {
        if (!duplicated.has(element)) duplicated.set(element, [read.invoke, read.completion]);
        continue;
      }
      seen.add(element);
      const t = track(element);
      t.firstRead ??= read;
      if (t.knownPos < 0) {
        // Seen before any add of it succeeded: known now, unless no add of it could have happened.
        if (!t.maybe && t.pending === 0) continue;
        becomeKnown(t);
      } else if (t.knownPos < open.knownCount) {
        knownBefore++;
      }
      if (!t.lastPresent || t.lastPresent.invoke.index < read.invoke.index) t.lastPresent = read;
    }
    // Only when an element known before this read began is missing, find which.
    if (knownBefore < open.knownCount) {
      for (let i = 0; i < open.knownCount; i++) {
        const t = known[i];
        if (!seen.has(t.element) && (!t.lastAbsent || t.lastAbsent.invoke.index < read.invoke.index)) t.lastAbsent = read;
      }
    }
  }
  for (const { t } of openAdds.values()) t.maybe = true;

  const result: SetFullKeyResult = { attempted: 0, stable: 0, neverRead: 0, stale: 0, lost: [], lostUnacknowledged: [], unexpected: [], duplicated: [...duplicated.keys()], witness: [] };
  if (key !== undefined) result.key = key;
  let lostWitness: Operation[] | undefined;
  let unexpectedWitness: Operation[] | undefined;
  for (const t of tracked.values()) {
    if (!t.maybe) {
      // Never added, or every add of it failed: it must never be read.
      if (t.firstRead) {
        result.unexpected.push(t.element);
        unexpectedWitness ??= [...(t.add ?? []), t.firstRead.invoke, t.firstRead.completion];
      }
      continue;
    }
    result.attempted++;
    const present = t.lastPresent?.invoke.index ?? -1;
    const absent = t.lastAbsent?.invoke.index ?? -1;
    if (present >= 0 && absent < present) {
      result.stable++;
      if (absent >= 0) result.stale++;
    } else if (absent >= 0 && t.acknowledged) {
      result.lost.push(t.element);
      // The add (invoke and ok), and the read that began after it was known and missed it.
      lostWitness ??= [...t.add!, t.lastAbsent!.invoke, t.lastAbsent!.completion];
    } else if (absent >= 0) {
      result.lostUnacknowledged.push(t.element);
    } else {
      result.neverRead++;
    }
  }
  result.witness = lostWitness ?? unexpectedWitness ?? duplicated.values().next().value ?? [];
  return result;
}

/** Combine per-key results into the checker's verdict. */
export function setFullResult(keys: readonly SetFullKeyResult[]): CheckResult<SetFullDetails> {
  const sum = (f: (k: SetFullKeyResult) => number) => keys.reduce((n, k) => n + f(k), 0);
  const flat = (f: (k: SetFullKeyResult) => Element[]) => keys.flatMap((k) => f(k).map((element) => (k.key === undefined ? { element } : { key: k.key, element })));
  const details: SetFullDetails = {
    keys: keys.length,
    attempted: sum((k) => k.attempted),
    stable: sum((k) => k.stable),
    neverRead: sum((k) => k.neverRead),
    stale: sum((k) => k.stale),
    lost: flat((k) => k.lost),
    lostUnacknowledged: flat((k) => k.lostUnacknowledged),
    unexpected: flat((k) => k.unexpected),
    duplicated: flat((k) => k.duplicated),
  };
  const problems: string[] = [];
  const inKeys = (list: KeyedElement[]) => listSome(list.map((x) => (x.key === undefined ? x.element : `${x.element} (${describeKey(x.key, 'the set')})`)));
  if (details.lost.length) problems.push(`lost: ${count(details.lost.length, 'acknowledged add')} missed by a read that began after the add was known, and never read again: ${inKeys(details.lost)}`);
  if (details.unexpected.length) problems.push(`unexpected: ${count(details.unexpected.length, 'element')} read that no add put there (never added, or the add failed): ${inKeys(details.unexpected)}`);
  if (details.duplicated.length) problems.push(`duplicated: ${count(details.duplicated.length, 'element')} read more than once in one read: ${inKeys(details.duplicated)}`);
  if (details.lostUnacknowledged.length) problems.push(`lost-unacknowledged (not counted as lost): ${count(details.lostUnacknowledged.length, 'add')} that ended in info were read and later missed: ${inKeys(details.lostUnacknowledged)}`);
  const bad = details.lost.length + details.unexpected.length + details.duplicated.length > 0;
  const verdict: Verdict = bad ? 'invalid' : details.stable === 0 ? 'unknown' : 'valid';
  if (verdict === 'unknown') problems.push(details.attempted === 0 ? 'nothing was added' : 'no read began after any element was known: nothing to judge');
  const counts = `${count(details.attempted, 'element')}: ${details.stable} stable, ${details.lost.length} lost, ${details.neverRead} never read` + (details.stale ? `, ${details.stale} read stale at least once` : '') + (keys.length > 1 ? ` over ${keys.length} keys` : '');
  const firstBad = keys.find((k) => k.lost.length) ?? keys.find((k) => k.unexpected.length || k.duplicated.length);
  return { checker: 'set-full', verdict, summary: counts, problems, witness: firstBad?.witness ?? [], details };
}

/** The whole check on one thread (the pool splits by key; see runner.ts). */
export function checkSetFull(ops: readonly Operation[]): CheckResult<SetFullDetails> {
  return setFullResult([...byKey(ops)].map(([key, keyOps]) => checkSetFullKey(key, keyOps)));
}

