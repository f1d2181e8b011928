/**
 * The fault controller: makes Fault objects (chaos.emu.dev/v1alpha1, see
 * fault-object.ts) real on this node. A new Fault is injected once and its
 * status says what happened (Active / Done / Failed); a lasting one is healed
 * when its duration ends or when it is deleted (then its finalizer goes), so a
 * fault outlives neither its duration nor the client that asked for it.
 * stop() heals everything still in force: a cluster never stops with a pod
 * paused, cut off or slowed. (Nothing needs healing at the next start: every
 * fault lives in the node's own namespaces — processes, pod network
 * namespaces — which the kernel removes with the node.)
 */
import { byKind } from '../api/resources.ts';
import type { ApiStore, Watch } from '../api/store.ts';
import { ApiError } from '../api/status.ts';
import { parseDuration } from '../util/duration.ts';
import { HEAL_FINALIZER, type FaultObject, type FaultStatus } from './fault-object.ts';
import type { FaultInjector } from './injector.ts';

export const FAULTS_RESOURCE = byKind('Fault')!;

export class FaultController {
  private watch?: Watch;
  private readonly seen = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly work = new Set<Promise<void>>();

  constructor(
    private readonly store: ApiStore,
    private readonly injector: FaultInjector,
  ) {}

  start(): void {
    this.watch = this.store.watch(FAULTS_RESOURCE, {}, (event) => {
      const fault = event.object as FaultObject;
      if (event.type === 'DELETED') return this.track(this.heal(fault));
      if (!this.seen.has(fault.metadata.uid!)) {
        this.seen.add(fault.metadata.uid!);
        if (fault.metadata.deletionTimestamp || fault.status?.phase) return this.track(this.release(fault));
        return this.track(this.inject(fault));
      }
      if (fault.metadata.deletionTimestamp) this.track(this.heal(fault));
    });
  }

  /** Heal every fault in force and stop watching. */
  async stop(): Promise<void> {
    this.watch?.stop();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.work);
    await this.injector.healAll();
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch((error) => console.error('emu: fault controller:', error)).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }

  private id(fault: FaultObject): string {
    return fault.metadata.name;
  }

  private async inject(fault: FaultObject): Promise<void> {
    const { namespace, name } = fault.metadata;
    let status: FaultStatus;
    try {
      const message = await this.injector.inject({ id: this.id(fault), fault: fault.spec.fault, namespace: namespace!, targets: fault.spec.targets, params: fault.spec.params });
      const lasting = this.injector.active.includes(this.id(fault));
      status = { phase: lasting ? 'Active' : 'Done', message, injectedAt: this.store.timestamp() };
    } catch (error) {
      status = { phase: 'Failed', message: (error as Error).message };
    }
    if (!this.writeStatus(fault, status)) {
      // Deleted while being injected: heal at once.
      await this.injector.heal(this.id(fault));
      return;
    }
    if (status.phase === 'Active') {
      const ms = fault.spec.duration === undefined ? undefined : parseDuration(fault.spec.duration);
      if (ms !== undefined) this.timers.set(fault.metadata.uid!, setTimeout(() => this.track(this.heal(fault)), ms));
    } else await this.release(fault);
  }

  /** Heal (if in force), record it, let the object go if it is being deleted. */
  private async heal(fault: FaultObject): Promise<void> {
    const uid = fault.metadata.uid!;
    clearTimeout(this.timers.get(uid));
    this.timers.delete(uid);
    if (this.injector.active.includes(this.id(fault))) {
      await this.injector.heal(this.id(fault));
      this.writeStatus(fault, { phase: 'Healed', healedAt: this.store.timestamp() });
    }
    await this.release(fault);
  }

  /** Remove the heal finalizer (nothing of the fault is left in force). */
  private async release(fault: FaultObject): Promise<void> {
    const current = this.store.find<FaultObject>(FAULTS_RESOURCE, fault.metadata.namespace, fault.metadata.name);
    if (!current || current.metadata.uid !== fault.metadata.uid || !current.metadata.finalizers?.includes(HEAL_FINALIZER)) return;
    try {
      this.store.mutate<FaultObject>(FAULTS_RESOURCE, current.metadata.namespace, current.metadata.name, (draft) => {
        draft.metadata.finalizers = draft.metadata.finalizers!.filter((f) => f !== HEAL_FINALIZER);
        if (draft.metadata.finalizers.length === 0) delete draft.metadata.finalizers;
      });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }

  /** Write status (merged); false when that Fault is gone. */
  private writeStatus(fault: FaultObject, status: FaultStatus): boolean {
    const current = this.store.find<FaultObject>(FAULTS_RESOURCE, fault.metadata.namespace, fault.metadata.name);
    if (!current || current.metadata.uid !== fault.metadata.uid) return false;
    this.store.mutate<FaultObject>(FAULTS_RESOURCE, current.metadata.namespace, current.metadata.name, (draft) => {
      draft.status = { ...draft.status, ...status };
    }, { subresource: 'status' });
    return true;
  }
}
