/**
 * What controllers read off a Pod object (Kubernetes' podutil): active,
 * ready, and available after minReadySeconds.
 */
import type { Pod } from 'kubernetes-types/core/v1.d.ts';

/** Not being deleted and not finished: a pod that counts as a replica. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the pod last became Ready (ms), if it is Ready. */
export function podReadySince(pod: Pod): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return undefined;
  return ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
}

/**
 * Milliseconds until a Ready pod has been Ready for minReadySeconds: 0 when it
 * is available now, undefined when it is not Ready at all.
 */
export function msUntilPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  const since = podReadySince(pod);
  if (since === undefined) return undefined;
  if (minReadySeconds === 0) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - nowMs);
}

export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  return msUntilPodAvailable(pod, minReadySeconds, nowMs) === 0;
}

/** The most restarts of any of the pod's containers. */
export function podRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}
