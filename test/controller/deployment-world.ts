import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { planDeployment, type DeploymentObject, type DeploymentPlan, type ReplicaSetObject } from '../../src/controller/deployment-sync.ts';

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

/** A Deployment as the API stores it: validated, defaulted, generation 1. */
export function makeDeployment(o: DeploymentOptions = {}): DeploymentObject {
  const strategy = o.strategy ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'deployment-uid', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: strategy === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' } },
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      ...(o.paused ? { paused: true } : {}),
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: o.image ?? 'nginx:1.25' }], restartPolicy: 'Always' } },
    },
  };
}

/** The server-owned metadata the world fills in, as the API server would. */
function writable(object: { metadata: object }): { generation?: number; uid?: string; creationTimestamp?: string } {
  return object.metadata as { generation?: number };
}

interface Tick {
  plan: DeploymentPlan;
  /** Pods of each ReplicaSet after the tick, and how many of them are available. */
  pods: Record<string, { total: number; available: number }>;
}

/**
 * The Deployment's world, without an API: what the API server would store of
 * each plan, and ReplicaSets whose pods appear at once and become available
 * one tick later (unless `available` is switched off for a ReplicaSet, to
 * model a broken image). Old pods go at once unless `lingering` is set, when
 * they stay terminating until released (to watch Recreate wait).
 */
export class DeploymentWorld {
  deployment: DeploymentObject;
  readonly replicaSets = new Map<string, ReplicaSetObject>();
  /** ReplicaSets whose pods never become available. */
  readonly broken = new Set<string>();
  /** Pods still terminating, by ReplicaSet name (Recreate's podMap). */
  readonly lingering = new Map<string, number>();
  lingerOnScaleDown = false;
  nowMs = Date.parse('2024-01-01T00:00:00Z');
  private seq = 0;
  private readonly existing = new Map<string, number>();

  constructor(deployment: DeploymentObject) {
    this.deployment = structuredClone(deployment);
  }

  /** Change the Deployment's spec as a client would (a new generation). */
  edit(change: (d: DeploymentObject) => void): void {
    change(this.deployment);
    writable(this.deployment).generation = (this.deployment.metadata.generation ?? 1) + 1;
  }

  sets(): ReplicaSetObject[] {
    return [...this.replicaSets.values()];
  }

  /** One sync of the controller, its writes applied, then the ReplicaSets' pods one tick on. */
  tick(): Tick {
    this.nowMs += 1000;
    const podsByReplicaSet = new Map<string, Pod[]>();
    for (const rs of this.sets()) {
      const count = (this.existing.get(rs.metadata.name) ?? 0) + (this.lingering.get(rs.metadata.name) ?? 0);
      podsByReplicaSet.set(rs.metadata.name, Array.from({ length: count }, () => ({ status: { phase: 'Running' } })));
    }
    const plan = planDeployment({
      deployment: this.deployment,
      replicaSets: this.sets(),
      podsByReplicaSet,
      findReplicaSet: (name) => this.replicaSets.get(name),
      nowMs: this.nowMs,
    });
    this.apply(plan);
    const pods: Tick['pods'] = {};
    for (const rs of this.sets()) {
      const name = rs.metadata.name;
      const before = this.existing.get(name) ?? 0;
      const want = rs.spec!.replicas ?? 0;
      if (this.lingerOnScaleDown && want < before) this.lingering.set(name, (this.lingering.get(name) ?? 0) + before - want);
      this.existing.set(name, want);
      const available = this.broken.has(name) ? 0 : Math.min(before, want);
      rs.status = { replicas: want, readyReplicas: available, availableReplicas: available, observedGeneration: rs.metadata.generation };
      pods[name] = { total: want, available };
    }
    return { plan, pods };
  }

  /** Ticks until nothing changes any more (or `max` ticks); returns every tick. */
  settle(max = 50): Tick[] {
    const ticks: Tick[] = [];
    for (let i = 0; i < max; i++) {
      const tick = this.tick();
      ticks.push(tick);
      const p = tick.plan;
      if (!p.create.length && !p.update.length && !p.delete.length && !p.status && !p.annotations) break;
    }
    return ticks;
  }

  private apply(plan: DeploymentPlan): void {
    for (const rs of plan.create) {
      const created = structuredClone(rs);
      Object.assign(writable(created), { uid: `rs-${++this.seq}`, generation: 1, creationTimestamp: new Date(this.nowMs + this.seq).toISOString() });
      this.replicaSets.set(created.metadata.name, created);
    }
    for (const rs of plan.update) {
      const current = this.replicaSets.get(rs.metadata.name)!;
      if (current.spec!.replicas !== rs.spec!.replicas || current.spec!.minReadySeconds !== rs.spec!.minReadySeconds) writable(current).generation = current.metadata.generation! + 1;
      current.spec = { ...current.spec!, replicas: rs.spec!.replicas, minReadySeconds: rs.spec!.minReadySeconds };
      current.metadata.annotations = { ...rs.metadata.annotations };
    }
    for (const name of plan.delete) this.replicaSets.delete(name);
    if (plan.annotations) this.deployment.metadata.annotations = plan.annotations;
    if (plan.status) this.deployment.status = plan.status;
  }
}
