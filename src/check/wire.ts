import type { Key, Operation, OpType } from '../history/operation.ts';
import { OP_TYPES } from '../history/operation.ts';
import type { CheckTask, KeyGroup } from './tasks.ts';

/**
 * Key groups of operations packed into typed arrays for the trip to a worker
 * thread: the arrays are transferred, not copied, and structured cloning of a
 * million small objects (seconds) is avoided. Columns, one entry per operation;
 * values are null, a number, a list of numbers (a set-full read), a string, or
 * any other JSON (as text).
 */
export interface WireGroups {
  /** Each group's key (null: no key) and where its operations end. */
  keys: (Key | null)[];
  ends: Int32Array;
  type: Uint8Array;
  /** Index into `strings`. */
  f: Int32Array;
  /** -1: the nemesis. */
  process: Float64Array;
  time: Float64Array;
  index: Float64Array;
  /** 0 null, 1 number (in `num`), 2 list of numbers (from `num`, `ref` long, in `list`), 3 string, 4 JSON text (in `strings[ref]`). */
  kind: Uint8Array;
  num: Float64Array;
  ref: Int32Array;
  list: Float64Array;
  /** Index into `strings`, -1 for none. */
  error: Int32Array;
  strings: string[];
}

const NULL = 0;
const NUMBER = 1;
const NUMBERS = 2;
const STRING = 3;
const JSON_TEXT = 4;

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((e) => typeof e === 'number');

export function packGroups(groups: readonly KeyGroup[]): WireGroups {
  let n = 0;
  let listed = 0;
  for (const g of groups) {
    n += g.ops.length;
    for (const op of g.ops) if (isNumbers(op.value)) listed += op.value.length;
  }
  const w: WireGroups = {
    keys: groups.map((g) => g.key ?? null),
    ends: new Int32Array(groups.length),
    type: new Uint8Array(n),
    f: new Int32Array(n),
    process: new Float64Array(n),
    time: new Float64Array(n),
    index: new Float64Array(n),
    kind: new Uint8Array(n),
    num: new Float64Array(n),
    ref: new Int32Array(n),
    list: new Float64Array(listed),
    error: new Int32Array(n),
    strings: [],
  };
  const interned = new Map<string, number>();
  const intern = (s: string) => {
    let id = interned.get(s);
    if (id === undefined) interned.set(s, (id = w.strings.push(s) - 1));
    return id;
  };
  let i = 0;
  let at = 0;
  groups.forEach((g, gi) => {
    for (const op of g.ops) {
      w.type[i] = OP_TYPES.indexOf(op.type);
      w.f[i] = intern(op.f);
      w.process[i] = op.process === 'nemesis' ? -1 : op.process;
      w.time[i] = op.time;
      w.index[i] = op.index;
      w.error[i] = op.error === undefined ? -1 : w.strings.push(op.error) - 1;
      const v = op.value;
      if (v === null || v === undefined) w.kind[i] = NULL;
      else if (typeof v === 'number') [w.kind[i], w.num[i]] = [NUMBER, v];
      else if (typeof v === 'string') [w.kind[i], w.ref[i]] = [STRING, w.strings.push(v) - 1];
      else if (isNumbers(v)) {
        [w.kind[i], w.num[i], w.ref[i]] = [NUMBERS, at, v.length];
        w.list.set(v, at);
        at += v.length;
      } else [w.kind[i], w.ref[i]] = [JSON_TEXT, w.strings.push(JSON.stringify(v)) - 1];
      i++;
    }
    w.ends[gi] = i;
  });
  return w;
}

/** The typed arrays' buffers, to transfer rather than copy. */
export function wireBuffers(w: WireGroups): ArrayBuffer[] {
  return [w.ends, w.type, w.f, w.process, w.time, w.index, w.kind, w.num, w.ref, w.list, w.error].map((a) => a.buffer as ArrayBuffer);
}

export function unpackGroups(w: WireGroups): KeyGroup[] {
  const groups: KeyGroup[] = [];
  let i = 0;
  w.keys.forEach((key, gi) => {
    const ops: Operation[] = [];
    for (; i < w.ends[gi]; i++) {
      const k = w.kind[i];
      const value = k === NULL ? null : k === NUMBER ? w.num[i] : k === STRING ? w.strings[w.ref[i]] : k === NUMBERS ? numbers(w.list, w.num[i], w.ref[i]) : JSON.parse(w.strings[w.ref[i]]);
      const op: Operation = { type: OP_TYPES[w.type[i]] as OpType, f: w.strings[w.f[i]], value, process: w.process[i] === -1 ? 'nemesis' : w.process[i], time: w.time[i], index: w.index[i] };
      if (key !== null) op.key = key;
      if (w.error[i] >= 0) op.error = w.strings[w.error[i]];
      ops.push(op);
    }
    groups.push(key === null ? { ops } : { key, ops });
  });
  return groups;
}

function numbers(list: Float64Array, from: number, length: number): number[] {
  const out = new Array<number>(length);
  for (let j = 0; j < length; j++) out[j] = list[from + j];
  return out;
}

/** A task as it crosses to a worker: key groups packed. */
export type WireTask = CheckTask extends infer T ? (T extends { groups: KeyGroup[] } ? Omit<T, 'groups'> & { wire: WireGroups } : T) : never;

export function toWire(task: CheckTask): { task: WireTask; transfer: ArrayBuffer[] } {
  if (!('groups' in task)) return { task: task as WireTask, transfer: [] };
  const { groups, ...rest } = task;
  const wire = packGroups(groups);
  return { task: { ...rest, wire } as WireTask, transfer: wireBuffers(wire) };
}

export function fromWire(task: WireTask): CheckTask {
  if (!('wire' in task)) return task as CheckTask;
  const { wire, ...rest } = task;
  return { ...rest, groups: unpackGroups(wire) } as CheckTask;
}
