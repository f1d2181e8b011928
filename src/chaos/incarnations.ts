/**
 * The engine's own record of pod incarnations, for the `identity` checker: from
 * the kubelet's lifecycle events, each incarnation (one uid) from the moment its
 * sandbox was up to the moment its processes were all gone, on the history's
 * clock. Pods already running when tracking starts begin at 0.
 */
import type { Incarnation } from '../check/identity.ts';
import type { Kubelet, PodIncarnationRef } from '../kubelet/kubelet.ts';

export class IncarnationTracker {
  private readonly byUid = new Map<string, Incarnation>();
  private readonly onStarted = (ref: PodIncarnationRef) => this.started(ref);
  private readonly onEnded = (ref: PodIncarnationRef) => this.ended(ref);

  constructor(
    private readonly kubelet: Kubelet,
    private readonly now: () => number,
    running: PodIncarnationRef[],
  ) {
    for (const ref of running) this.byUid.set(ref.uid, { identity: `${ref.namespace}/${ref.name}`, uid: ref.uid, start: 0, end: null });
    kubelet.lifecycle.on('started', this.onStarted);
    kubelet.lifecycle.on('ended', this.onEnded);
  }

  private started(ref: PodIncarnationRef): void {
    if (!this.byUid.has(ref.uid)) this.byUid.set(ref.uid, { identity: `${ref.namespace}/${ref.name}`, uid: ref.uid, start: this.now(), end: null });
  }

  private ended(ref: PodIncarnationRef): void {
    const inc = this.byUid.get(ref.uid);
    if (inc && inc.end === null) inc.end = Math.max(inc.start, this.now());
  }

  get incarnations(): Incarnation[] {
    return [...this.byUid.values()].map((i) => ({ ...i }));
  }

  stop(): void {
    this.kubelet.lifecycle.off('started', this.onStarted);
    this.kubelet.lifecycle.off('ended', this.onEnded);
  }
}
