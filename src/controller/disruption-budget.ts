/**
 * A PodDisruptionBudget's status, as Kubernetes' disruption controller
 * computes it (pkg/controller/disruption): how many of the selected pods are
 * healthy (Ready and not being deleted), how many must stay healthy, and so
 * how many an eviction may take now. Pure.
 */
import type { PodDisruptionBudgetSpec, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.d.ts';
import type { Condition } from 'kubernetes-types/meta/v1.d.ts';

/** What the budget's arithmetic needs to know of each pod its selector picks. */
export interface BudgetPod {
  ready: boolean;
  /** Being deleted, or evicted and about to be: not healthy. */
  terminating: boolean;
}

export interface BudgetInput {
  spec: PodDisruptionBudgetSpec;
  pods: readonly BudgetPod[];
  /**
   * The replicas wanted by the controllers (StatefulSets, Deployments,
   * ReplicaSets) owning the selected pods, counted once each; used for
   * maxUnavailable and percentages. undefined when a selected pod has no such
   * controller: then nothing may be disrupted (Kubernetes' fail-safe).
   */
  expectedScale: number | undefined;
  generation?: number;
  /** Pods evicted but not yet seen going (name → eviction time); the controller drops the ones that went or took too long. */
  disruptedPods?: Record<string, string>;
  /** The status written last, so a condition keeps its lastTransitionTime while it holds. */
  previous?: PodDisruptionBudgetStatus;
  now: string;
}

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';

export function disruptionStatus({ spec, pods, expectedScale, generation, disruptedPods, previous, now }: BudgetInput): PodDisruptionBudgetStatus {
  const currentHealthy = pods.filter((p) => p.ready && !p.terminating).length;
  const usesScale = spec.maxUnavailable !== undefined || typeof spec.minAvailable === 'string';
  if (usesScale && expectedScale === undefined) {
    return { ...kept(generation, disruptedPods), currentHealthy, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0, conditions: [condition('False', 'SyncFailed', 'found no controllers for the selected pods', previous, now)] };
  }
  let expectedPods = 0;
  let desiredHealthy = 0;
  if (spec.maxUnavailable !== undefined) {
    expectedPods = expectedScale!;
    desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
  } else if (spec.minAvailable !== undefined) {
    expectedPods = typeof spec.minAvailable === 'number' ? pods.length : expectedScale!;
    desiredHealthy = scaled(spec.minAvailable, expectedPods);
  }
  // A budget that selects nothing yet is safe: no disruption until its pods are counted.
  const disruptionsAllowed = expectedPods > 0 ? Math.max(0, currentHealthy - desiredHealthy) : 0;
  const allowed = disruptionsAllowed > 0;
  return {
    ...kept(generation, disruptedPods),
    currentHealthy,
    desiredHealthy,
    expectedPods,
    disruptionsAllowed,
    conditions: [condition(allowed ? 'True' : 'False', allowed ? 'SufficientPods' : 'InsufficientPods', '', previous, now)],
  };
}

/** observedGeneration, and the evictions not yet seen through (disruptedPods), when there are any. */
function kept(generation: number | undefined, disruptedPods: Record<string, string> | undefined): Pick<PodDisruptionBudgetStatus, 'observedGeneration' | 'disruptedPods'> {
  const disrupted = disruptedPods && Object.keys(disruptedPods).length > 0 ? { disruptedPods } : {};
  return { ...(generation === undefined ? {} : { observedGeneration: generation }), ...disrupted };
}

function condition(status: 'True' | 'False', reason: string, message: string, previous: PodDisruptionBudgetStatus | undefined, now: string): Condition {
  const before = previous?.conditions?.find((c) => c.type === DISRUPTION_ALLOWED);
  const lastTransitionTime = before?.status === status ? before.lastTransitionTime : now;
  return { type: DISRUPTION_ALLOWED, status, reason, message, lastTransitionTime };
}

/** An IntOrString count against a total: integers as they are, percentages rounded up. */
function scaled(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  return Math.ceil((Number.parseInt(value, 10) * total) / 100);
}
