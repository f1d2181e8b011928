// Evictions judged against PodDisruptionBudgets whose status the real disruption
// controller keeps, on a real API store (no pods run: their status is written here).
import { afterEach, describe, expect, it } from 'vitest';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.d.ts';
import { evictPod } from '../../src/api/eviction.ts';
import { byKind } from '../../src/api/resources.ts';
import { ApiError } from '../../src/api/status.ts';
import { ApiStore, type ApiObject } from '../../src/api/store.ts';
import { strategies } from '../../src/api/strategies.ts';
import { DisruptionController } from '../../src/controller/disruption-controller.ts';
import { EventRecorder } from '../../src/events/recorder.ts';
import { IpPool } from '../../src/network/ip-pool.ts';

const NS = byKind('Namespace')!;
const POD = byKind('Pod')!;
const PDB = byKind('PodDisruptionBudget')!;
const SETS = byKind('StatefulSet')!;

let stop: () => Promise<void> = async () => undefined;
afterEach(() => stop());

function cluster() {
  const store = new ApiStore(strategies(new IpPool('10.96.0.0/16')));
  store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const controller = new DisruptionController(store, new EventRecorder(store));
  controller.start();
  stop = () => controller.stop();
  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    await controller.idle();
  };
  const budget = () => store.get<PodDisruptionBudget & ApiObject>(PDB, 'default', 'zk-pdb').status!;
  return { store, settle, budget };
}

function budget(store: ApiStore, spec: PodDisruptionBudget['spec'], name = 'zk-pdb') {
  store.create(PDB, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec } as ApiObject);
}

function statefulSet(store: ApiStore, replicas: number): ApiObject {
  return store.create(SETS, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'zk' },
    spec: { replicas, serviceName: 'zk-hs', selector: { matchLabels: { app: 'zk' } }, template: { metadata: { labels: { app: 'zk' } }, spec: { containers: [{ name: 'zk', image: 'busybox' }] } } },
  } as unknown as ApiObject);
}

function pod(store: ApiStore, name: string, options: { ready?: boolean; phase?: string; owner?: ApiObject } = {}) {
  const owner = options.owner && [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: options.owner.metadata.name, uid: options.owner.metadata.uid!, controller: true }];
  store.create(POD, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'zk' }, ...(owner ? { ownerReferences: owner } : {}) },
    spec: { nodeName: 'emu', containers: [{ name: 'zk', image: 'busybox' }] },
  } as unknown as ApiObject);
  store.mutate(POD, 'default', name, (p) => (p.status = { phase: options.phase ?? 'Running', conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }] }), { subresource: 'status' });
}

/** The API error an eviction fails with. */
function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the eviction was allowed');
}

const isDeleting = (store: ApiStore, name: string) => Boolean(store.find(POD, 'default', name)?.metadata.deletionTimestamp) || !store.find(POD, 'default', name);

describe('the disruption controller and evictions', () => {
  it("computes the tutorial's budget (maxUnavailable 1 over a 3-replica StatefulSet) and follows readiness", async () => {
    const c = cluster();
    const set = statefulSet(c.store, 3);
    for (const name of ['zk-0', 'zk-1', 'zk-2']) pod(c.store, name, { owner: set });
    budget(c.store, { selector: { matchLabels: { app: 'zk' } }, maxUnavailable: 1 });
    await c.settle();
    expect(c.budget()).toMatchObject({ observedGeneration: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
    c.store.mutate(POD, 'default', 'zk-2', (p) => ((p.status as { conditions: object[] }).conditions = [{ type: 'Ready', status: 'False' }]), { subresource: 'status' });
    await c.settle();
    expect(c.budget()).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0, conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }] });
  });

  it('an eviction spends the budget: the second one is refused with 429 and the reason, and the pod stays', async () => {
    const c = cluster();
    for (const name of ['web-0', 'web-1', 'web-2']) pod(c.store, name);
    budget(c.store, { selector: { matchLabels: { app: 'zk' } }, minAvailable: 2 });
    await c.settle();
    expect(c.budget().disruptionsAllowed).toBe(1);

    evictPod(c.store, c.store.get(POD, 'default', 'web-0'), { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0' } });
    expect(isDeleting(c.store, 'web-0')).toBe(true);
    expect(c.budget()).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { 'web-0': expect.any(String) } });

    const error = refusal(() => evictPod(c.store, c.store.get(POD, 'default', 'web-1'), {}));
    expect([error.code, error.reason, error.message]).toEqual([429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."]);
    expect(error.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget zk-pdb needs 2 healthy pods and has 3 currently' }]); // as Kubernetes says it: the status is the controller's until it looks again
    expect(isDeleting(c.store, 'web-1')).toBe(false);

    // The controller sees web-0 go: it leaves disruptedPods and no longer counts as healthy.
    await c.settle();
    expect(c.budget()).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
    expect(c.budget().disruptedPods).toBeUndefined();
  });

  it('a pending pod, or an unready one while the budget holds, goes without spending it; a dry run changes nothing', async () => {
    const c = cluster();
    for (const name of ['web-0', 'web-1', 'web-2']) pod(c.store, name);
    pod(c.store, 'web-3', { ready: false });
    pod(c.store, 'web-4', { phase: 'Pending', ready: false });
    budget(c.store, { selector: { matchLabels: { app: 'zk' } }, minAvailable: 3 });
    await c.settle();
    expect(c.budget()).toMatchObject({ currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 });
    evictPod(c.store, c.store.get(POD, 'default', 'web-4'), {});
    evictPod(c.store, c.store.get(POD, 'default', 'web-3'), {});
    expect([isDeleting(c.store, 'web-3'), isDeleting(c.store, 'web-4')]).toEqual([true, true]);
    expect(refusal(() => evictPod(c.store, c.store.get(POD, 'default', 'web-0'), { deleteOptions: { dryRun: ['All'] } })).code).toBe(429);

    budget(c.store, { selector: { matchLabels: { app: 'zk' } }, minAvailable: 1 }, 'other');
    await c.settle();
    const error = refusal(() => evictPod(c.store, c.store.get(POD, 'default', 'web-0'), {}));
    expect([error.code, error.message]).toEqual([500, 'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.']);
  });

  it('a budget the controller has not looked at yet is refused as still being processed', () => {
    const c = cluster();
    pod(c.store, 'web-0');
    budget(c.store, { selector: { matchLabels: { app: 'zk' } }, maxUnavailable: 1 });
    const error = refusal(() => evictPod(c.store, c.store.get(POD, 'default', 'web-0'), {}));
    expect([error.code, error.details?.causes?.[0].message]).toEqual([429, 'The disruption budget zk-pdb is still being processed by the server.']);
  });

  it('refuses an Eviction whose name is not the URL\'s', () => {
    const c = cluster();
    pod(c.store, 'web-0');
    expect(refusal(() => evictPod(c.store, c.store.get(POD, 'default', 'web-0'), { metadata: { name: 'web-9' } })).message).toBe('name in URL does not match name in Eviction object');
  });
});
