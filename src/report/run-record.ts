import { LASTING, type FaultName } from '../chaos/faults.ts';
import type { CheckResult } from '../check/result.ts';
import type { Incarnation } from '../check/identity.ts';
import { NEMESIS, pairCalls, type Call, type FaultValue, type Operation } from '../history/operation.ts';

/**
 * What a report is made of: the history (client and nemesis operations, times in
 * ns since it began), the pods' incarnations on the same clock, and the checkers'
 * results. Everything below is derived from it.
 */
export interface RunRecord {
  title: string;
  history: readonly Operation[];
  incarnations?: readonly Incarnation[];
  results: readonly CheckResult[];
  /** The schedule's seed, when the faults came from one. */
  seed?: number;
}

/** A fault as the history shows it: from the nemesis starting it to the nemesis healing it. */
export interface FaultSpan {
  fault: string;
  targets: string[];
  params?: Record<string, unknown>;
  /** ns: when the nemesis began applying it. */
  start: number;
  /** ns: when the heal completed; equal to `applied` for faults that happen at once; null if never healed. */
  end: number | null;
  /** ns: when applying it completed (null if that never completed). */
  applied: number | null;
  /** The nemesis could not tell whether it took effect (info). */
  uncertain: boolean;
  /** Why, when uncertain. */
  error?: string;
  /** Held until healed (pause, partition, netem, or any fault the nemesis stopped). */
  lasting: boolean;
}

const spanKey = (v: FaultValue) => JSON.stringify([v.fault, v.targets]);

/** Fault spans in start order: each `start` matched with the next `stop` of the same fault and targets. */
export function faultSpans(history: readonly Operation[]): FaultSpan[] {
  const spans: FaultSpan[] = [];
  const open = new Map<string, FaultSpan>();
  for (const call of pairCalls(history.filter((o) => o.process === NEMESIS))) {
    const value = call.invoke.value as FaultValue;
    if (call.f === 'start') {
      const lasting = LASTING.has(value.fault as FaultName);
      const applied = call.completion?.time ?? null;
      const span: FaultSpan = { fault: value.fault, targets: value.targets, start: call.invoke.time, end: lasting ? null : applied, applied, uncertain: call.type !== 'ok', lasting };
      if (value.params) span.params = value.params;
      if (call.completion?.error) span.error = call.completion.error;
      spans.push(span);
      open.set(spanKey(value), span);
    } else if (call.f === 'stop') {
      const span = open.get(spanKey(value));
      if (!span) continue;
      open.delete(spanKey(value));
      span.lasting = true;
      span.end = call.type === 'ok' ? call.completion!.time : null;
    }
  }
  return spans;
}

/** Client calls (invoke to completion), in invoke order. */
export function clientCalls(history: readonly Operation[]): Call[] {
  return pairCalls(history.filter((o) => o.process !== NEMESIS));
}

export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
}

/** Client operations by f: how many ended ok, fail, info (open at the end counts as info). */
export function countsByF(history: readonly Operation[]): Map<string, OutcomeCounts> {
  const counts = new Map<string, OutcomeCounts>();
  for (const call of clientCalls(history)) {
    let c = counts.get(call.f);
    if (!c) counts.set(call.f, (c = { ok: 0, fail: 0, info: 0 }));
    c[call.type]++;
  }
  return counts;
}

/** The time the run spans (ns): the last moment anything in it happened. */
export function runEnd(run: RunRecord): number {
  let end = run.history.at(-1)?.time ?? 0;
  for (const inc of run.incarnations ?? []) end = Math.max(end, inc.end ?? inc.start);
  return end;
}

/** Pod names in ordinal order (`web-2` before `web-10`). */
export function byOrdinal(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
