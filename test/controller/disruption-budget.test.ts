import { describe, expect, it } from 'vitest';
import type { PodDisruptionBudgetSpec } from 'kubernetes-types/policy/v1.d.ts';
import { disruptionStatus, type BudgetPod } from '../../src/controller/disruption-budget.ts';

const healthy = (n: number): BudgetPod[] => Array.from({ length: n }, () => ({ ready: true, terminating: false }));
const down: BudgetPod = { ready: false, terminating: false };
const NOW = '2026-01-01T00:00:00Z';
const status = (spec: PodDisruptionBudgetSpec, pods: BudgetPod[], expectedScale: number | undefined) => disruptionStatus({ spec, pods, expectedScale, now: NOW, generation: 1 });

describe("disruptionStatus (as Kubernetes' disruption controller)", () => {
  it('maxUnavailable 1 over three ready pods of a 3-replica set allows one disruption', () => {
    expect(status({ maxUnavailable: 1 }, healthy(3), 3)).toMatchObject({ observedGeneration: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
    expect(status({ maxUnavailable: 1 }, healthy(3), 3).conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' });
  });

  it('allows none while a pod is already down, and counts a terminating pod as down', () => {
    expect(status({ maxUnavailable: 1 }, [...healthy(2), down], 3).disruptionsAllowed).toBe(0);
    expect(status({ maxUnavailable: 1 }, [...healthy(2), { ready: true, terminating: true }], 3).disruptionsAllowed).toBe(0);
    expect(status({ maxUnavailable: 1 }, [...healthy(2), down], 3).conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
  });

  it('measures maxUnavailable against the replicas wanted, not the pods that exist yet', () => {
    expect(status({ maxUnavailable: 1 }, healthy(1), 3)).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 0 });
  });

  it('rounds percentages up', () => {
    expect(status({ minAvailable: '50%' }, healthy(5), 5)).toMatchObject({ desiredHealthy: 3, disruptionsAllowed: 2 });
    expect(status({ maxUnavailable: '34%' }, healthy(3), 3)).toMatchObject({ desiredHealthy: 1, disruptionsAllowed: 2 });
  });

  it('an integer minAvailable counts the selected pods, with or without a controller', () => {
    expect(status({ minAvailable: 2 }, healthy(4), 5)).toMatchObject({ expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 });
    expect(status({ minAvailable: 2 }, healthy(4), undefined)).toMatchObject({ expectedPods: 4, disruptionsAllowed: 2 });
  });

  it('selects no pods yet: nothing may be disrupted', () => {
    expect(status({ minAvailable: 0 }, [], 0)).toMatchObject({ expectedPods: 0, disruptionsAllowed: 0 });
  });

  it('a selected pod without a controller makes a scale-based budget fail safe', () => {
    expect(status({ maxUnavailable: 1 }, healthy(3), undefined)).toMatchObject({ disruptionsAllowed: 0, conditions: [{ status: 'False', reason: 'SyncFailed' }] });
  });

  it('a condition keeps its lastTransitionTime while it holds, and gets a new one when it flips', () => {
    const first = status({ maxUnavailable: 1 }, healthy(3), 3);
    const later = disruptionStatus({ spec: { maxUnavailable: 1 }, pods: healthy(3), expectedScale: 3, previous: first, now: '2026-01-01T00:05:00Z' });
    expect(later.conditions![0].lastTransitionTime).toBe(NOW);
    const flipped = disruptionStatus({ spec: { maxUnavailable: 1 }, pods: healthy(2), expectedScale: 3, previous: first, now: '2026-01-01T00:05:00Z' });
    expect(flipped.conditions![0].lastTransitionTime).toBe('2026-01-01T00:05:00Z');
  });
});
