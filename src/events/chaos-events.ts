/**
 * How chaos faults are announced in the cluster: v1 Events from the component
 * `emu-chaos`, one when a fault starts and one when it is healed, about the
 * object it targets. The wording is built and read here only — the chaos
 * engine records with recordFault(), the dashboard reads with activeFaults().
 *
 *   reason FaultInjected, message "[f3] partition: web-0 cut off from web-1, web-2"
 *   reason FaultHealed,   message "[f3] partition: healed"
 */
import type { Event } from 'kubernetes-types/core/v1.d.ts';
import type { ApiObject } from '../api/store.ts';
import { LASTING, type FaultName } from '../chaos/faults.ts';
import type { EventRecorder } from './recorder.ts';

export const CHAOS_COMPONENT = 'emu-chaos';
export const FAULT_INJECTED = 'FaultInjected';
export const FAULT_HEALED = 'FaultHealed';

export interface FaultNotice {
  /** Unique within a run: pairs the healing with the injection. */
  id: string;
  /** The fault's name: pod-kill, partition, netem… */
  fault: string;
  /** What it does, in a few words: "web-0 cut off from web-1, web-2". */
  detail: string;
}

export interface ActiveFault extends FaultNotice {
  /** `pod/web-0` */
  target: string;
  since: string;
}

const MESSAGE = /^\[([^\]]+)\] ([^:]+): (.*)$/;

export function faultMessage(notice: FaultNotice): string {
  return `[${notice.id}] ${notice.fault}: ${notice.detail}`;
}

/** Announce a fault starting (Warning) or healed (Normal) on `target`. */
export function recordFault(recorder: EventRecorder, target: Pick<ApiObject, 'kind' | 'apiVersion' | 'metadata'>, phase: 'injected' | 'healed', notice: FaultNotice): void {
  if (phase === 'injected') recorder.record(target, { component: CHAOS_COMPONENT }, 'Warning', FAULT_INJECTED, faultMessage(notice));
  else recorder.record(target, { component: CHAOS_COMPONENT }, 'Normal', FAULT_HEALED, faultMessage({ ...notice, detail: 'healed' }));
}

/** Faults injected and not yet healed, oldest first, from a namespace's events. */
export function activeFaults(events: readonly Event[]): ActiveFault[] {
  const chaos = events
    .filter((e) => (e.source?.component ?? e.reportingComponent) === CHAOS_COMPONENT)
    .sort((a, b) => (a.firstTimestamp ?? '').localeCompare(b.firstTimestamp ?? '') || Number(a.metadata?.resourceVersion ?? 0) - Number(b.metadata?.resourceVersion ?? 0));
  const healed = new Set(chaos.filter((e) => e.reason === FAULT_HEALED).map((e) => MESSAGE.exec(e.message ?? '')?.[1]));
  return chaos.flatMap((e) => {
    const m = MESSAGE.exec(e.message ?? '');
    // Only a lasting fault is ever in force: a pod-kill or a delete happens at once, and no heal follows it.
    if (e.reason !== FAULT_INJECTED || !m || healed.has(m[1]) || !LASTING.has(m[2] as FaultName)) return [];
    const target = `${e.involvedObject.kind?.toLowerCase()}/${e.involvedObject.name}`;
    return [{ id: m[1], fault: m[2], detail: m[3], target, since: e.firstTimestamp ?? e.lastTimestamp ?? '' }];
  });
}
