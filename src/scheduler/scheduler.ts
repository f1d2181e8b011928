/**
 * The scheduler of a one-node cluster: binds each new pod to the node while
 * the node has room (its `pods` capacity, as a kubelet's max-pods), and
 * otherwise leaves it Pending with PodScheduled=False, reason Unschedulable,
 * and a FailedScheduling event — exactly what Kubernetes shows. Pending pods
 * are bound, oldest first, as soon as room frees up.
 */
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { NODE_NAME } from '../kubelet/kubelet.ts';

const PODS = byKind('Pod')!;

type PodObject = Pod & ApiObject;

export class Scheduler {
  private watch?: Watch;
  private queued = false;
  /** Pods holding a place on the node (terminating ones included), and pods waiting for one. */
  private readonly bound = new Set<string>();
  private readonly pending = new Map<string, PodObject>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly store: ApiStore,
    private readonly events: EventRecorder,
    readonly capacity: number,
  ) {}

  start(): void {
    this.watch = this.store.watch(PODS, {}, (event) => {
      const pod = event.object as PodObject;
      const uid = pod.metadata.uid!;
      const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      this.bound.delete(uid);
      this.pending.delete(uid);
      if (event.type === 'DELETED') this.reported.delete(uid);
      else if (pod.spec?.nodeName === NODE_NAME) {
        if (!finished) this.bound.add(uid);
      } else if (!pod.metadata.deletionTimestamp) this.pending.set(uid, pod);
      if (this.pending.size > 0) this.queue();
    });
  }

  stop(): void {
    this.watch?.stop();
  }

  private queue(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.schedule();
    });
  }

  /** Oldest first, as many as the node has room for; the rest are told why they wait (once). */
  private schedule(): void {
    const waiting = [...this.pending.values()].sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    for (const pod of waiting) {
      const { namespace, name } = pod.metadata;
      const uid = pod.metadata.uid!;
      if (this.store.find(PODS, namespace, name)?.metadata.uid !== uid) {
        this.pending.delete(uid);
        continue;
      }
      if (this.bound.size < this.capacity) {
        this.pending.delete(uid);
        this.bound.add(uid);
        this.reported.delete(uid);
        this.store.mutate<PodObject>(PODS, namespace, name, (d) => (d.spec!.nodeName = NODE_NAME));
        this.store.mutate<PodObject>(PODS, namespace, name, (d) => {
          d.status = { ...d.status, conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null as never, lastTransitionTime: this.store.timestamp() }] };
        }, { subresource: 'status' });
        this.events.record(pod, { component: 'default-scheduler' }, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${NODE_NAME}`);
      } else if (!this.reported.has(uid)) {
        this.reported.add(uid);
        const message = '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
        this.store.mutate<PodObject>(PODS, namespace, name, (d) => {
          d.status = { ...d.status, phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null as never, lastTransitionTime: this.store.timestamp() }] };
        }, { subresource: 'status' });
        this.events.record(pod, { component: 'default-scheduler' }, 'Warning', 'FailedScheduling', message);
      }
    }
  }
}
