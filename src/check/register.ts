import { byKey, describeKey, pairCalls, type Call, type Key, type Operation } from '../history/operation.ts';
import { CAS, minimalFailingCalls, READ, searchLinearization, WRITE, type RegisterCall } from './linearizability.ts';
import { combineVerdicts, count, listSome, type CheckResult, type Verdict } from './result.ts';

/**
 * The `register` checker: linearizability of read / write / cas on each key
 * independently (a register per key, starting at null). `write` has value v,
 * `read` the value read (null on invoke), `cas` [old, new]; a cas whose old value
 * did not match is recorded as `fail`. Values are compared as JSON. When the time
 * budget runs out for a key, its verdict is unknown, never valid.
 */
export interface RegisterKeyResult {
  key?: Key;
  verdict: Verdict;
  /** Calls checked (failed calls and reads with unknown outcome do not count). */
  calls: number;
  /** When invalid: a minimal set of this key's operations no register allows. */
  witness: Operation[];
}

export interface RegisterDetails {
  keys: number;
  calls: number;
  invalidKeys: (Key | null)[];
  unknownKeys: (Key | null)[];
}

const REGISTER_FS = ['read', 'write', 'cas'];

/** The operations register reads; a problem in a few words, or undefined. */
export function registerRule(op: Operation): string | undefined {
  if (!REGISTER_FS.includes(op.f)) return `f: "${op.f}" is not a register operation (read, write or cas)`;
  if (op.f === 'cas' && !(Array.isArray(op.value) && op.value.length === 2)) return `value: a cas's value must be [old, new], got ${JSON.stringify(op.value)}`;
  return undefined;
}

/** The register's initial value. */
const INITIAL = null;

/** The least time given to finding a witness once a key is known to be invalid. */
const WITNESS_MS = 1000;

/**
 * Check one key's operations within the deadline (ms since the epoch; shared by
 * every worker). With `witness`, an invalid key also gets its minimal witness
 * (searched for at least WITNESS_MS even past the deadline); without, only its
 * verdict: a check names every invalid key but shows one witness.
 */
export function checkRegisterKey(key: Key | undefined, ops: readonly Operation[], deadline: number, witness = true): RegisterKeyResult {
  const values = new Map<string, number>();
  const intern = (v: unknown) => {
    const text = JSON.stringify(v ?? null);
    let id = values.get(text);
    if (id === undefined) values.set(text, (id = values.size));
    return id;
  };
  const initial = intern(INITIAL);
  const calls: RegisterCall[] = [];
  const sources: Call[] = [];
  for (const call of pairCalls(ops)) {
    if (call.type === 'fail') continue;
    const end = call.type === 'ok' ? call.completion!.index : Infinity;
    const start = call.invoke.index;
    if (call.f === 'read') {
      if (call.type !== 'ok') continue; // a read with unknown outcome constrains nothing
      calls.push({ kind: READ, a: intern(call.completion!.value), b: 0, start, end });
    } else if (call.f === 'write') {
      calls.push({ kind: WRITE, a: intern(call.invoke.value), b: 0, start, end });
    } else if (call.f === 'cas' && registerRule(call.invoke) === undefined) {
      const [old, now] = call.invoke.value as unknown[];
      calls.push({ kind: CAS, a: intern(old), b: intern(now), start, end });
    } else {
      continue; // not a register operation (a history read from a file was refused earlier)
    }
    sources.push(call);
  }
  const result: RegisterKeyResult = { verdict: 'valid', calls: calls.length, witness: [] };
  if (key !== undefined) result.key = key;
  const outcome = searchLinearization(calls, initial, deadline);
  if (outcome === 'undecided') result.verdict = 'unknown';
  if (outcome !== 'not-linearizable') return result;
  result.verdict = 'invalid';
  if (!witness) return result;
  const { ids, upTo } = minimalFailingCalls(calls, initial, Math.max(deadline, Date.now() + WITNESS_MS));
  result.witness = ids
    .flatMap((i) => {
      const { invoke, completion } = sources[i];
      return completion && completion.index <= upTo ? [invoke, completion] : [invoke];
    })
    .sort((x, y) => x.index - y.index);
  return result;
}

/** Combine per-key results into the checker's verdict. */
export function registerResult(keys: readonly RegisterKeyResult[]): CheckResult<RegisterDetails> {
  const invalid = keys.filter((k) => k.verdict === 'invalid');
  const unknown = keys.filter((k) => k.verdict === 'unknown');
  const details: RegisterDetails = {
    keys: keys.length,
    calls: keys.reduce((n, k) => n + k.calls, 0),
    invalidKeys: invalid.map((k) => k.key ?? null),
    unknownKeys: unknown.map((k) => k.key ?? null),
  };
  const single = keys.length === 1 && keys[0].key === undefined;
  const name = (k: RegisterKeyResult) => describeKey(k.key, 'the register');
  const problems: string[] = [];
  if (invalid.length) {
    problems.push(`not linearizable: ${single ? 'the register' : `${invalid.length} of ${keys.length} keys: ${listSome(invalid.map(name))}`}`);
    const first = invalid[0];
    problems.push(`${name(first)}: no order of ${count(first.witness.filter((o) => o.type === 'invoke').length, 'operation')} below, each taking effect between its invoke and its completion, is allowed by a register starting at ${JSON.stringify(INITIAL)}`);
  }
  if (unknown.length) problems.push(`time limit reached before ${single ? 'the register' : count(unknown.length, 'key')} could be decided${single ? '' : `: ${listSome(unknown.map(name))}`}`);
  const verdict = keys.length === 0 || details.calls === 0 ? 'unknown' : combineVerdicts(keys.map((k) => k.verdict));
  if (details.calls === 0) problems.push('no read, write or cas to check');
  const summary = `${count(details.calls, 'operation')} on ${single ? 'one register' : count(keys.length, 'key')}: ${verdict === 'valid' ? 'linearizable' : `${invalid.length} not linearizable, ${unknown.length} undecided`}`;
  return { checker: 'register', verdict, summary, problems, witness: invalid[0]?.witness ?? [], details };
}

/** The whole check on one thread, within `timeLimitMs`, the first invalid key with its witness (the pool splits by key; see runner.ts). */
export function checkRegister(ops: readonly Operation[], timeLimitMs: number): CheckResult<RegisterDetails> {
  const deadline = Date.now() + timeLimitMs;
  let witnessed = false;
  return registerResult(
    [...byKey(ops)].map(([key, keyOps]) => {
      const result = checkRegisterKey(key, keyOps, deadline, !witnessed);
      witnessed ||= result.verdict === 'invalid';
      return result;
    }),
  );
}
