/**
 * An operation history in Jepsen's vocabulary (see notes/chaos.md), one JSON
 * object per line:
 *
 *   {"type":"invoke","f":"write","key":3,"value":7,"process":2,"time":1200345,"index":17}
 *
 * - `type`: `invoke` starts an operation; its completion is `ok` (it happened),
 *   `fail` (it certainly did not happen) or `info` (unknown: a timeout, a lost
 *   connection). A process that got `info` never issues again; a fresh process id
 *   takes its place. An invoke with no completion at the end counts as `info`.
 * - `f`: what the operation does. `register`: `read` (value null on invoke, the
 *   value read on ok), `write` (value v), `cas` (value [old, new]). `set-full`:
 *   `add` (value v), `read` (value null on invoke, the whole set as an array on ok).
 *   `routing`: any f whose completion value is `{ host, server_id, … }`.
 * - `key`: optional; operations on different keys are independent registers/sets.
 * - `process`: a client process id, or `"nemesis"` for faults (f `start` / `stop`,
 *   value a {@link FaultValue}).
 * - `time`: nanoseconds since the history began; `index`: position in the history
 *   (strictly increasing; the order of the lines is real-time order).
 * - `error`: optional, on `fail`/`info`: why, in a few words.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type Completion = Exclude<OpType, 'invoke'>;
export type ProcessId = number | 'nemesis';
export type Key = string | number;

export interface Operation {
  type: OpType;
  f: string;
  key?: Key;
  value: unknown;
  process: ProcessId;
  time: number;
  index: number;
  error?: string;
}

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];
export const NEMESIS = 'nemesis';

/** The nemesis starts a fault (`start`) and heals it (`stop`); instant faults (pod-kill…) have no stop. */
export type NemesisF = 'start' | 'stop';

/** The value of a nemesis operation: which fault, on which pods, with what parameters. */
export interface FaultValue {
  fault: string;
  targets: string[];
  params?: Record<string, unknown>;
}

/**
 * One operation from its invoke to its completion. `type` is the completion's
 * type; an invoke never completed is `info` with no completion.
 */
export interface Call {
  process: ProcessId;
  f: string;
  key?: Key;
  type: Completion;
  invoke: Operation;
  completion?: Operation;
}

/** The operations of one call, invoke first (for witnesses and printing). */
export function callOperations(call: Call): Operation[] {
  return call.completion ? [call.invoke, call.completion] : [call.invoke];
}

/**
 * Pair each invoke with its process's next completion. Assumes a valid history
 * (see read-history.ts); invokes left open at the end become `info` calls.
 * Calls are in invoke order.
 */
export function pairCalls(ops: readonly Operation[]): Call[] {
  const open = new Map<ProcessId, Call>();
  const calls: Call[] = [];
  for (const op of ops) {
    if (op.type === 'invoke') {
      const call: Call = { process: op.process, f: op.f, type: 'info', invoke: op };
      if (op.key !== undefined) call.key = op.key;
      open.set(op.process, call);
      calls.push(call);
    } else {
      const call = open.get(op.process);
      if (!call) continue;
      call.type = op.type;
      call.completion = op;
      open.delete(op.process);
    }
  }
  return calls;
}

/** Client operations only (the nemesis's are left out). */
export function clientOperations(ops: readonly Operation[]): Operation[] {
  return ops.filter((op) => op.process !== NEMESIS);
}

/** Group operations by key (operations without a key share the group `undefined`), keeping their order. */
export function byKey(ops: readonly Operation[]): Map<Key | undefined, Operation[]> {
  const groups = new Map<Key | undefined, Operation[]>();
  for (const op of ops) {
    let group = groups.get(op.key);
    if (!group) groups.set(op.key, (group = []));
    group.push(op);
  }
  return groups;
}

/** `key 3`, `key "a"`, or `the register` / `the set` when there is no key. */
export function describeKey(key: Key | undefined, whole: string): string {
  return key === undefined ? whole : `key ${JSON.stringify(key)}`;
}
