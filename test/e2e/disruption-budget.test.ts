// PodDisruptionBudgets through the real kubectl and emu's CLI: kubectl's columns,
// a status the disruption controller keeps, and evictions (the policy/v1 Eviction
// subresource `kubectl drain` uses) refused once the budget is spent.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/util/deadline.ts';
import { downAndCleanup, emu, ROOT, testHome } from '../helpers/emu-cli.ts';
import { kubectlIn, type Kubectl } from '../helpers/kubectl-cluster.ts';

const t = testHome('disruption-budget');
let kubectl: Kubectl;

const evict = (pod: string) => kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${pod}/eviction`, '-f', `${t.home}/eviction-${pod}.json`]);
const allowed = async () => JSON.parse((await kubectl(['get', 'pdb', 'sleepers-pdb', '-o', 'json'])).stdout).status;

describe('PodDisruptionBudget (policy/v1) and evictions', () => {
  beforeAll(async () => {
    // `emu up` writes the kubeconfig (the test's own) that kubectl reads.
    const up = await emu(['up'], t.env);
    expect(up.exitCode, up.stderr).toBe(0);
    const applied = await emu(['apply', '-f', `${ROOT}test/e2e/fixtures/budget.yaml`, '--wait'], t.env);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('poddisruptionbudget.policy/sleepers-pdb created');
    kubectl = kubectlIn(t);
    for (const pod of ['sleepers-0', 'sleepers-1']) writeFileSync(`${t.home}/eviction-${pod}.json`, JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'default' } }));
  }, 180_000);
  afterAll(async () => expect(await downAndCleanup(t)).toEqual([]), 120_000);

  it("kubectl get pdb and emu get pdb show kubectl's columns with the disruptions allowed now", async () => {
    await pollUntil('the budget to allow one disruption', async () => ((await allowed())?.disruptionsAllowed === 1 ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    const table = (await kubectl(['get', 'pdb'])).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
    expect(table[1]).toMatch(/^sleepers-pdb\s+N\/A\s+1\s+1\s+\d+s$/);
    const ours = (await emu(['get', 'pdb'], t.env)).stdout.split('\n');
    expect(ours[0]).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
    expect(ours[1]).toMatch(/^sleepers-pdb\s+N\/A\s+1\s+1\s+\d+s$/);
    expect(await allowed()).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1 });
  });

  it('one eviction spends the budget; the next is refused with TooManyRequests and its pod stays', async () => {
    const first = await evict('sleepers-0');
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await evict('sleepers-1');
    expect([second.exitCode, second.stderr]).toEqual([1, "Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget."]);
    const pod = JSON.parse((await kubectl(['get', 'pod', 'sleepers-1', '-o', 'json'])).stdout);
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
  });

  it('once the evicted pod is back and Ready, the budget allows one disruption again', async () => {
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod/sleepers-0', '--timeout=60s']);
    expect(wait.exitCode, wait.stderr).toBe(0);
    await pollUntil('the budget to be restored', async () => ((await allowed())?.disruptionsAllowed === 1 ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    const again = await evict('sleepers-1');
    expect(again.exitCode, again.stderr).toBe(0);
  });
});
