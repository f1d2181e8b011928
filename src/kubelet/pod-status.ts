/**
 * A running pod's status as the API shows it (v1 PodStatus), from what the
 * runtime observes: phase, IPs, conditions with their transition times (kept
 * from the previous status while unchanged), and per-container states.
 */
import type { ContainerStatus as KubeContainerStatus, PodCondition, PodStatus as KubePodStatus } from 'kubernetes-types/core/v1.d.ts';
import type { ContainerState, ContainerStatus, PodStatus } from '../runtime/pod-spec.ts';

const iso = (ms?: number) => (ms ? new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z') : undefined);

export function podStatus(s: PodStatus, hostIP: string, previous: KubePodStatus | undefined, now = Date.now()): KubePodStatus {
  const initialized = s.initContainerStatuses.every((c) => c.current.state === 'terminated' && c.current.exitCode === 0);
  const containersReady = s.containerStatuses.length > 0 && s.containerStatuses.every((c) => c.ready);
  const condition = (type: string, status: boolean, reason?: string): PodCondition => {
    const before = previous?.conditions?.find((c) => c.type === type);
    const value = status ? 'True' : 'False';
    const since = before?.status === value ? before.lastTransitionTime : type === 'Ready' && status && s.readySinceMs ? iso(s.readySinceMs) : iso(now);
    return { type, status: value, lastProbeTime: null as unknown as undefined, lastTransitionTime: since, ...(status || !reason ? {} : { reason }) };
  };
  const notReadyReason = s.phase === 'Succeeded' || s.phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  return {
    phase: s.phase,
    conditions: [
      condition('PodReadyToStartContainers', Boolean(s.podIP)),
      condition('Initialized', initialized, 'ContainersNotInitialized'),
      condition('Ready', s.ready, notReadyReason),
      condition('ContainersReady', containersReady, notReadyReason),
      condition('PodScheduled', true),
    ],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    ...(s.podIP ? { podIP: s.podIP, podIPs: [{ ip: s.podIP }] } : {}),
    startTime: iso(s.startTime),
    ...(s.phase === 'Failed' || s.phase === 'Succeeded' ? { reason: s.phase === 'Failed' ? s.reason : undefined, message: s.message } : {}),
    ...(s.initContainerStatuses.length ? { initContainerStatuses: s.initContainerStatuses.map(containerStatus) } : {}),
    containerStatuses: s.containerStatuses.map(containerStatus),
    qosClass: 'BestEffort',
  };
}

function containerStatus(c: ContainerStatus): KubeContainerStatus {
  return {
    name: c.name,
    image: c.image,
    imageID: '',
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: stateObject(c.current),
    lastState: c.last ? stateObject(c.last) : {},
    ...(c.current.state === 'running' || c.current.state === 'terminated' ? { containerID: `emu://${c.name}` } : {}),
  };
}

function stateObject(state: ContainerState): KubeContainerStatus['state'] {
  if (state.state === 'running') return { running: { startedAt: iso(state.startedAt) } };
  if (state.state === 'waiting') return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
  return { terminated: { reason: state.reason, exitCode: state.exitCode, startedAt: iso(state.startedAt), finishedAt: iso(state.finishedAt) } };
}
