/**
 * The fault injector: does one fault to pods of the node, for real, and undoes
 * it. It runs inside the node (the cluster owns one, see fault-controller.ts)
 * and uses only the kubelet's small chaos method set (signalPod,
 * signalContainer, podNetwork), the API (a graceful pod deletion is an API
 * call, as kubectl's) and the network-faults module.
 *
 *   pod-delete      DELETE the pod (graceful, its terminationGracePeriodSeconds)
 *   pod-kill        SIGKILL every process of the pod at once (a crashed node)
 *   container-kill  SIGKILL one container's main process: the pod restarts it
 *   pause           SIGSTOP every process of the pod; healed by SIGCONT
 *   partition       nft drop rules between pods, both ways; healed by removing them
 *   netem           loss/duplicate/corrupt by nft, bandwidth by tbf, delay/reorder by netem
 *
 * Every fault and every heal is an Event on each target pod (recordFault).
 * The injector keeps the faults in force so healAll() can undo them when the
 * run or the cluster ends.
 */
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore } from '../api/store.ts';
import { EmuError } from '../errors.ts';
import { recordFault } from '../events/chaos-events.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { Kubelet, PodIncarnationRef } from '../kubelet/kubelet.ts';
import { LASTING, type FaultName, type NetemBehaviour } from './faults.ts';
import { isolate } from './targets.ts';
import { addQdisc, addRules, checkNetemSupport, NFT_BEHAVIOURS, packetRules, partitionRules, qdiscArgs, removeQdisc, removeRules, type PodNetworkNamespace } from './network-faults.ts';

const PODS = byKind('Pod')!;
/** How long pod-kill waits for the pod's processes to be gone before it calls the fault applied anyway. */
const KILL_OBSERVE_MS = 10_000;

/** A fault to do: which, on which pods (by name, in one namespace), with what. */
export interface FaultOrder {
  /** Unique among the faults in force: pairs events and rules with the fault (`f3`). */
  id: string;
  fault: FaultName;
  namespace: string;
  targets: string[];
  params?: Record<string, unknown>;
}

export interface InjectorDeps {
  store: ApiStore;
  kubelet: Kubelet;
  events: EventRecorder;
}

interface InForce {
  order: FaultOrder;
  heal: () => Promise<void>;
}

export class FaultInjector {
  private readonly inForce = new Map<string, InForce>();

  constructor(private readonly deps: InjectorDeps) {}

  /** Ids of the faults in force (injected, lasting, not healed). */
  get active(): string[] {
    return [...this.inForce.keys()];
  }

  /**
   * Do the fault; resolves once its effect is in place (for pod-kill: once the
   * pod's processes are gone). A lasting fault stays until heal(id). Throws a
   * one-line EmuError when a target is missing or not running; then nothing of
   * this fault is left in force.
   */
  async inject(order: FaultOrder): Promise<string> {
    if (this.inForce.has(order.id)) throw new EmuError('CHAOS_INVALID', `chaos: fault ${order.id} is already in force`);
    const pods = order.targets.map((name) => this.pod(order.namespace, name));
    const { detail, heal } = await this.apply(order, pods);
    for (const pod of pods) recordFault(this.deps.events, pod, 'injected', { id: order.id, fault: order.fault, detail });
    if (LASTING.has(order.fault)) {
      this.inForce.set(order.id, {
        order,
        heal: async () => {
          await heal();
          for (const name of order.targets) {
            const pod = this.deps.store.find<Pod & ApiObject>(PODS, order.namespace, name);
            if (pod) recordFault(this.deps.events, pod, 'healed', { id: order.id, fault: order.fault, detail });
          }
        },
      });
    }
    return detail;
  }

  /** Undo a lasting fault (no-op for one not in force). */
  async heal(id: string): Promise<void> {
    const fault = this.inForce.get(id);
    if (!fault) return;
    this.inForce.delete(id);
    await fault.heal();
  }

  /** Undo every fault in force (the run or the cluster ends, `emu chaos heal`). */
  async healAll(): Promise<void> {
    await Promise.all(this.active.map((id) => this.heal(id)));
  }

  private pod(namespace: string, name: string): Pod & ApiObject {
    const pod = this.deps.store.find<Pod & ApiObject>(PODS, namespace, name);
    if (!pod) throw new EmuError('CHAOS_INVALID', `chaos: pod "${name}" not found in namespace ${namespace}`);
    return pod;
  }

  private async apply(order: FaultOrder, pods: (Pod & ApiObject)[]): Promise<{ detail: string; heal: () => Promise<void> }> {
    const { kubelet } = this.deps;
    const { namespace, targets } = order;
    const params = order.params ?? {};
    const none = async () => {};
    switch (order.fault) {
      case 'pod-delete': {
        const grace = params.gracePeriodSeconds as number | undefined;
        for (const pod of pods) this.deps.store.delete(PODS, namespace, pod.metadata.name, grace === undefined ? {} : { gracePeriodSeconds: grace });
        return { detail: `deleted ${targets.join(', ')}${grace === undefined ? '' : ` (grace period ${grace}s)`}`, heal: none };
      }
      case 'pod-kill': {
        const gone = pods.map((pod) => this.ended(pod.metadata.uid!));
        try {
          for (const name of targets) await kubelet.signalPod(namespace, name, 'SIGKILL');
          await Promise.all(gone.map((g) => g.done));
        } finally {
          for (const g of gone) g.cancel();
        }
        return { detail: `SIGKILL to every process of ${targets.join(', ')}`, heal: none };
      }
      case 'container-kill': {
        const containers = pods.map((pod) => {
          const container = (params.container as string | undefined) ?? pod.spec?.containers[0]?.name ?? '';
          if (!pod.spec?.containers.some((c) => c.name === container)) throw new EmuError('CHAOS_INVALID', `chaos: pod "${pod.metadata.name}" has no container "${container}"`);
          return [pod.metadata.name, container] as const;
        });
        for (const [pod, container] of containers) await kubelet.signalContainer(namespace, pod, container, 'SIGKILL');
        return { detail: `SIGKILL to container ${containers.map(([p, c]) => `${p}/${c}`).join(', ')}`, heal: none };
      }
      case 'pause': {
        const stopped: string[] = [];
        const cont = async () => {
          for (const name of stopped) await kubelet.signalPod(namespace, name, 'SIGCONT').catch(() => undefined);
        };
        try {
          for (const name of targets) {
            stopped.push(name);
            await kubelet.signalPod(namespace, name, 'SIGSTOP');
          }
        } catch (error) {
          await cont();
          throw error;
        }
        return { detail: `SIGSTOP to every process of ${targets.join(', ')}`, heal: cont };
      }
      case 'partition':
        return this.partition(order);
      case 'netem':
        return this.netem(order);
    }
  }

  private async partition(order: FaultOrder): Promise<{ detail: string; heal: () => Promise<void> }> {
    const { kubelet } = this.deps;
    const cuts = (order.params?.cuts as [string, string][] | undefined) ?? isolate(order.targets, this.podNames(order.namespace));
    if (cuts.length === 0) throw new EmuError('CHAOS_INVALID', `chaos: partition of ${order.targets.join(', ')} cuts nothing (no other pods)`);
    const involved = [...new Set(cuts.flat())];
    const net = new Map(involved.map((name) => [name, kubelet.podNetwork(order.namespace, name)]));
    const applied: string[] = [];
    const heal = async () => {
      await Promise.all(applied.map((name) => removeRules(net.get(name)!.sandbox, order.id)));
    };
    try {
      // Every pod's side of the cut at once: the partition is in force when the last one is.
      // (settled, all of them, before any is undone: a heal must not overtake an add still under way)
      const added = await Promise.allSettled(
        involved.map((name) => {
          const peers = cuts.flatMap(([a, b]) => (a === name ? [b] : b === name ? [a] : [])).map((p) => net.get(p)!.ip);
          applied.push(name);
          return addRules(net.get(name)!.sandbox, partitionRules(order.id, peers));
        }),
      );
      const failed = added.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      await heal();
      throw error;
    }
    return { detail: describeCuts(cuts), heal };
  }

  private async netem(order: FaultOrder): Promise<{ detail: string; heal: () => Promise<void> }> {
    const params = order.params ?? {};
    const behaviour = (params.netem ?? 'delay') as NetemBehaviour;
    await checkNetemSupport([behaviour]);
    const sandboxes = order.targets.map((name) => this.deps.kubelet.podNetwork(order.namespace, name).sandbox);
    const applied: PodNetworkNamespace[] = [];
    const byNft = NFT_BEHAVIOURS.has(behaviour);
    const heal = async () => {
      await Promise.all(applied.map((pod) => (byNft ? removeRules(pod, order.id) : removeQdisc(pod))));
    };
    try {
      for (const pod of sandboxes) {
        applied.push(pod);
        if (byNft) await addRules(pod, packetRules(order.id, behaviour, params.percent as number));
        else await addQdisc(pod, qdiscArgs(behaviour, params));
      }
    } catch (error) {
      await heal();
      throw error;
    }
    const what = behaviour === 'bandwidth' ? `bandwidth ${String(params.rate)}` : behaviour === 'delay' ? `delay ${String(params.delayMs)}ms ± ${String(params.jitterMs)}ms` : `${behaviour} ${String(params.percent)}%`;
    return { detail: `${what} on ${order.targets.join(', ')}`, heal };
  }

  private podNames(namespace: string): string[] {
    return this.deps.store.list(PODS, { namespace }).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
  }

  /** Resolves when this pod incarnation's processes are all gone (bounded), or never if cancelled. */
  private ended(uid: string): { done: Promise<void>; cancel: () => void } {
    const { lifecycle } = this.deps.kubelet;
    let listener: (ref: PodIncarnationRef) => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      listener = (ref) => ref.uid === uid && resolve();
      lifecycle.on('ended', listener);
      timer = setTimeout(() => reject(new EmuError('TIMEOUT', `chaos: the pod's processes were still there ${KILL_OBSERVE_MS / 1000}s after SIGKILL`)), KILL_OBSERVE_MS);
    });
    done.catch(() => undefined);
    return {
      done,
      cancel: () => {
        clearTimeout(timer);
        lifecycle.off('ended', listener);
      },
    };
  }
}

/** "mysql-0 cut off from mysql-1, mysql-2; mysql-3 cut off from mysql-4" */
export function describeCuts(cuts: readonly [string, string][]): string {
  const from = new Map<string, string[]>();
  for (const [a, b] of cuts) from.set(a, [...(from.get(a) ?? []), b]);
  return [...from].map(([a, bs]) => `${a} cut off from ${bs.join(', ')}`).join('; ');
}
