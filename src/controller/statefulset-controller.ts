/**
 * The StatefulSet control loop: keeps each applied set's pods converging on its
 * spec. Every change (apply, pod change, timer) queues a sync of that set; syncs
 * of one set never overlap, and triggers arriving during a sync coalesce into one
 * more sync afterwards — Kubernetes' workqueue semantics, per set.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { PodControl } from './pod-control.ts';
import { podIdentity, podName } from './pod-identity.ts';
import { reconcile } from './reconcile.ts';
import { applyRevision, RevisionHistory, type ControllerRevision } from './revision.ts';
import { readSpec, setKey, type PodView, type ReconcileAction, type SetStatus } from './types.ts';

export interface ControllerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `StatefulSet/<namespace>/<name>`: events are recorded on the set, as in Kubernetes. */
  object: string;
}

export interface StatefulSetControllerOptions {
  podControl: PodControl;
  listPods: (setKey: string) => PodView[] | Promise<PodView[]>;
  recorder: (event: ControllerEvent) => void;
  /** After every sync: the status to publish and the revisions to keep (as ControllerRevisions). */
  afterSync?: (set: StatefulSet, status: SetStatus, revisions: readonly ControllerRevision[]) => void;
  now?: () => number;
}

// Retry delays after a failed sync, like the workqueue's per-item exponential backoff.
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

interface Entry {
  set: StatefulSet;
  history: RevisionHistory;
  status?: SetStatus;
  /** whenScaled: Delete — ordinals scaled away whose claims are still to delete. */
  scaledDown: Set<number>;
  /** A sync is wanted and has not started yet. */
  pending: boolean;
  running?: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
  backoffMs: number;
  removed: boolean;
}

export class StatefulSetController {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly options: StatefulSetControllerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Applies a new or changed set (including a scale). `revisions` seeds the
   * history of a set this controller has not seen before (a restarted cluster).
   */
  upsert(set: StatefulSet, revisions: readonly ControllerRevision[] = []): void {
    const key = setKey(set);
    const entry = this.entries.get(key);
    if (entry) entry.set = structuredClone(set);
    else {
      this.entries.set(key, {
        set: structuredClone(set),
        history: new RevisionHistory(revisions),
        scaledDown: new Set(),
        pending: false,
        backoffMs: FIRST_BACKOFF_MS,
        removed: false,
      });
    }
    this.trigger(key);
  }

  /**
   * Stops managing a set. Resolves once no sync of it is in flight, so the caller
   * can then delete its pods (and claims, see claimsToDeleteWithSet) without racing us.
   */
  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.removed = true;
    clearTimeout(entry.timer);
    await entry.running;
  }

  /** The runtime calls this whenever a pod of the set appears, changes phase or readiness, or disappears. */
  podChanged(key: string): void {
    this.trigger(key);
  }

  status(key: string): SetStatus | undefined {
    const status = this.entries.get(key)?.status;
    return status && { ...status };
  }

  history(key: string): readonly ControllerRevision[] {
    return this.entries.get(key)?.history.list() ?? [];
  }

  /** Resolves when no sync is running or queued (a pending requeue timer does not count). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.entries.values()].flatMap((e) => (e.running ? [e.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    await this.idle();
  }

  private trigger(key: string): void {
    const entry = this.entries.get(key);
    if (!entry || this.stopped) return;
    entry.pending = true;
    entry.running ??= this.drain(key, entry);
  }

  private async drain(key: string, entry: Entry): Promise<void> {
    await Promise.resolve(); // let a burst of synchronous triggers coalesce into one sync
    try {
      while (entry.pending && !entry.removed && !this.stopped) {
        entry.pending = false;
        await this.sync(key, entry);
      }
    } finally {
      entry.running = undefined;
    }
  }

  private async sync(key: string, entry: Entry): Promise<void> {
    let requeueAfterMs: number | undefined;
    let failed = false;
    try {
      const set = entry.set;
      const spec = readSpec(set);
      const update = entry.history.record(set);
      // As Kubernetes: the current revision is the one status names, or the update revision at first.
      const current = entry.history.get(entry.status?.currentRevision ?? '') ?? update;
      const pods = await this.options.listPods(key);
      if (entry.removed || this.stopped) return;

      for (const ordinal of entry.scaledDown) {
        // Scaled back up over the ordinal: its claims belong to a replica again.
        const inRange = ordinal >= spec.ordinalStart && ordinal < spec.ordinalStart + spec.replicas;
        if (inRange) entry.scaledDown.delete(ordinal);
      }
      const result = reconcile({
        set,
        pods,
        currentRevision: current.name,
        updateRevision: update.name,
        nowMs: this.now(),
        scaledDown: [...entry.scaledDown],
      });
      entry.status = result.status;
      entry.history.trim(spec.revisionHistoryLimit, [current.name, update.name, ...pods.map((p) => p.revision)]);
      this.options.afterSync?.(set, result.status, entry.history.list());
      requeueAfterMs = result.requeueAfterMs;
      const outcomes = await Promise.all(result.actions.map((action) => this.execute(entry, set, action)));
      failed = outcomes.includes(false);
    } catch (error) {
      failed = true;
      this.event(entry.set, 'Warning', 'FailedSync', `sync failed: ${errorMessage(error)}`);
    }
    this.schedule(key, entry, failed, requeueAfterMs);
  }

  /** Performs one action and records its event; false if it failed. */
  private async execute(entry: Entry, set: StatefulSet, action: ReconcileAction): Promise<boolean> {
    const spec = readSpec(set);
    switch (action.kind) {
      case 'create': {
        // Pods below a partition are created from the current revision's (older) template.
        const revision = entry.history.get(action.revision);
        const versioned = revision ? applyRevision(set, revision) : set;
        return this.attempt(set, 'create', `Pod ${podName(spec.name, action.ordinal)}`, () =>
          this.options.podControl.createPod(versioned, action.ordinal, action.revision),
        );
      }
      case 'delete': {
        if (action.reason === 'failed') {
          const message = `StatefulSet ${spec.namespace}/${spec.name} is recreating failed Pod ${action.name}`;
          this.event(set, 'Warning', 'RecreatingFailedPod', message);
        }
        const ok = await this.attempt(set, 'delete', `Pod ${action.name}`, () =>
          this.options.podControl.deletePod(spec.namespace, action.name, action.reason),
        );
        if (ok && action.reason === 'scale-down' && spec.whenScaled === 'Delete') entry.scaledDown.add(action.ordinal);
        return ok;
      }
      case 'delete-claims': {
        const claims = podIdentity(set, action.ordinal, '').claimNames.join(', ');
        const what = `Claim ${claims} for Pod ${podName(spec.name, action.ordinal)}`;
        const ok = await this.attempt(set, 'delete', what, () =>
          this.options.podControl.deleteClaims(set, action.ordinal),
        );
        if (ok) entry.scaledDown.delete(action.ordinal);
        return ok;
      }
    }
  }

  /** Runs one side effect with Kubernetes' event wording: "<verb> <what> in StatefulSet <set> successful". */
  private async attempt(
    set: StatefulSet,
    verb: 'create' | 'delete',
    what: string,
    run: () => Promise<void>,
  ): Promise<boolean> {
    const reasonVerb = verb === 'create' ? 'Create' : 'Delete';
    const where = `${verb} ${what} in StatefulSet ${readSpec(set).name}`;
    try {
      await run();
      this.event(set, 'Normal', `Successful${reasonVerb}`, `${where} successful`);
      return true;
    } catch (error) {
      this.event(set, 'Warning', `Failed${reasonVerb}`, `${where} failed error: ${errorMessage(error)}`);
      return false;
    }
  }

  private schedule(key: string, entry: Entry, failed: boolean, requeueAfterMs: number | undefined): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.removed || this.stopped) return;
    let delay = requeueAfterMs;
    if (failed) {
      delay = Math.min(delay ?? Infinity, entry.backoffMs);
      entry.backoffMs = Math.min(entry.backoffMs * 2, MAX_BACKOFF_MS);
    } else {
      entry.backoffMs = FIRST_BACKOFF_MS;
    }
    if (delay === undefined) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.trigger(key);
    }, delay);
  }

  private event(set: StatefulSet, type: ControllerEvent['type'], reason: string, message: string): void {
    const { namespace, name } = readSpec(set);
    this.options.recorder({ type, reason, message, object: `StatefulSet/${namespace}/${name}` });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
