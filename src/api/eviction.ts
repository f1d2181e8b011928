/**
 * POST pods/NAME/eviction (policy/v1 Eviction), as the API server's eviction
 * REST does it: a pod that is pending, finished or already being deleted goes
 * at once; otherwise the one PodDisruptionBudget that selects it must allow a
 * disruption, which the eviction spends (disruptionsAllowed - 1, the pod named
 * in disruptedPods until the disruption controller sees it go) before the pod
 * is deleted with the eviction's delete options. A budget with none to spare
 * answers 429 TooManyRequests, which `kubectl drain` retries.
 */
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.d.ts';
import { isPodReady } from '../controller/pod-conditions.ts';
import { byKind } from './resources.ts';
import { labelSelectorFromObject, matchLabels } from './selectors.ts';
import { ApiError, badRequest, forbidden, internalError, successStatus } from './status.ts';
import type { ApiObject, ApiStore, DeleteOptions } from './store.ts';

const PODS = byKind('Pod')!;
const BUDGETS = byKind('PodDisruptionBudget')!;

type BudgetObject = PodDisruptionBudget & ApiObject;
type PodObject = Pod & ApiObject;

interface Eviction {
  metadata?: { name?: string };
  deleteOptions?: DeleteOptions & { dryRun?: string[] | boolean };
}

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(retryAfterSeconds: number, cause: string): ApiError {
  return new ApiError(429, 'TooManyRequests', VIOLATION, { retryAfterSeconds, causes: [{ reason: 'DisruptionBudget', message: cause }] });
}

export function evictPod(store: ApiStore, pod: ApiObject, body: unknown): object {
  const eviction = (body ?? {}) as Eviction;
  const name = pod.metadata.name;
  if (eviction.metadata?.name && eviction.metadata.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const { dryRun: dry, ...rest } = eviction.deleteOptions ?? {};
  const options: DeleteOptions = { ...rest, dryRun: Array.isArray(dry) ? dry.includes('All') : Boolean(dry) };
  const target = pod as PodObject;
  const phase = target.status?.phase;
  if (phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed' || target.metadata.deletionTimestamp) return remove(store, target, options);
  const namespace = target.metadata.namespace!;
  const budgets = store.list<BudgetObject>(BUDGETS, { namespace, unsorted: true }).items.filter((b) => matchLabels(labelSelectorFromObject(b.spec?.selector), target.metadata.labels));
  if (budgets.length > 1) throw internalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const [budget] = budgets;
  if (budget) spend(store, budget, target, options);
  return remove(store, target, options);
}

/** Checks the budget and, unless the pod may go without spending it, takes one disruption from it. */
function spend(store: ApiStore, budget: BudgetObject, pod: PodObject, options: DeleteOptions): void {
  const status = budget.status;
  const ready = isPodReady(pod);
  // An unready pod does not count as healthy: evicting it costs nothing while the budget holds (or always, with AlwaysAllow).
  if (!ready && (budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (status && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0))) return;
  if (!status || (status.observedGeneration ?? 0) < (budget.metadata.generation ?? 0)) {
    throw tooManyRequests(10, `The disruption budget ${budget.metadata.name} is still being processed by the server.`);
  }
  if (status.disruptionsAllowed < 0) throw forbidden(BUDGETS, budget.metadata.name, 'pdb disruptions allowed is negative');
  if (status.disruptionsAllowed === 0) {
    throw tooManyRequests(0, `The disruption budget ${budget.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
  }
  if (options.dryRun) return;
  store.mutate<BudgetObject>(BUDGETS, budget.metadata.namespace, budget.metadata.name, (draft) => {
    draft.status = { ...draft.status!, disruptionsAllowed: draft.status!.disruptionsAllowed - 1, disruptedPods: { ...draft.status!.disruptedPods, [pod.metadata.name]: store.timestamp() } };
  }, { subresource: 'status' });
}

function remove(store: ApiStore, pod: PodObject, options: DeleteOptions): object {
  store.delete(PODS, pod.metadata.namespace, pod.metadata.name, options);
  return successStatus();
}
