/**
 * In-memory PodControl for tests and benches: records every call and keeps pods a
 * test drives by hand (Pending → Running/Ready → terminating → gone), standing in for
 * the runtime. It enforces the runtime's invariant: one live pod per identity.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { EmuError } from '../errors.ts';
import type { PodControl } from './pod-control.ts';
import { parsePodName, podName } from './pod-identity.ts';
import { readSpec, setKey, type DeleteReason, type PodPhase, type PodView } from './types.ts';

export type PodControlCall =
  | { op: 'createPod'; setKey: string; ordinal: number; revision: string }
  | { op: 'deletePod'; namespace: string; name: string; reason: DeleteReason }
  | { op: 'deleteClaims'; setKey: string; ordinal: number };

export class FakePodControl implements PodControl {
  readonly calls: PodControlCall[] = [];
  /** Told about every pod change, as the runtime tells the controller: wire it to podChanged. */
  onChange: (setKey: string) => void = () => {};
  private readonly pods = new Map<string, Map<number, PodView>>();
  private readonly failures: Array<{ op: PodControlCall['op']; error: Error }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** The controller's listPods. */
  listPods = (key: string): PodView[] =>
    [...(this.pods.get(key)?.values() ?? [])].sort((a, b) => a.ordinal - b.ordinal).map((p) => ({ ...p }));

  pod(key: string, ordinal: number): PodView | undefined {
    const pod = this.pods.get(key)?.get(ordinal);
    return pod && { ...pod };
  }

  /** Makes the next call of `op` reject with `error`. */
  failNext(op: PodControlCall['op'], error: Error): void {
    this.failures.push({ op, error });
  }

  async createPod(set: StatefulSet, ordinal: number, revision: string): Promise<void> {
    const key = setKey(set);
    this.record({ op: 'createPod', setKey: key, ordinal, revision });
    const pods = this.pods.get(key) ?? new Map<number, PodView>();
    this.pods.set(key, pods);
    const name = podName(readSpec(set).name, ordinal);
    if (pods.has(ordinal)) throw new EmuError('ALREADY_EXISTS', `pod ${name} already exists`);
    pods.set(ordinal, { name, ordinal, revision, phase: 'Pending', ready: false, terminating: false });
    this.onChange(key);
  }

  async deletePod(namespace: string, name: string, reason: DeleteReason): Promise<void> {
    this.record({ op: 'deletePod', namespace, name, reason });
    const parsed = parsePodName(name);
    const key = `${namespace}/${parsed?.setName}`;
    const pod = parsed && this.pods.get(key)?.get(parsed.ordinal);
    if (!pod) throw new EmuError('NOT_FOUND', `pod ${namespace}/${name} not found`);
    pod.terminating = true;
    this.onChange(key);
  }

  async deleteClaims(set: StatefulSet, ordinal: number): Promise<void> {
    this.record({ op: 'deleteClaims', setKey: setKey(set), ordinal });
  }

  /** The pod's containers run and pass readiness from now on. */
  markReady(key: string, ordinal: number): void {
    this.update(key, ordinal, { phase: 'Running', ready: true, readySinceMs: this.now() });
  }

  markUnready(key: string, ordinal: number): void {
    this.update(key, ordinal, { ready: false, readySinceMs: undefined });
  }

  setPhase(key: string, ordinal: number, phase: PodPhase): void {
    this.update(key, ordinal, phase === 'Running' ? { phase } : { phase, ready: false, readySinceMs: undefined });
  }

  /** The pod is gone: its graceful deletion finished, or someone removed it outright. */
  removePod(key: string, ordinal: number): void {
    if (!this.pods.get(key)?.delete(ordinal)) throw new Error(`fake: no pod ${key} #${ordinal}`);
    this.onChange(key);
  }

  private update(key: string, ordinal: number, change: Partial<PodView>): void {
    const pod = this.pods.get(key)?.get(ordinal);
    if (!pod) throw new Error(`fake: no pod ${key} #${ordinal}`);
    Object.assign(pod, change);
    this.onChange(key);
  }

  private record(call: PodControlCall): void {
    this.calls.push(call);
    const i = this.failures.findIndex((f) => f.op === call.op);
    if (i >= 0) throw this.failures.splice(i, 1)[0].error;
  }
}
