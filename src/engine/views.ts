import type { Pod, Service, PersistentVolumeClaim, ContainerStatus as KubeContainerStatus } from 'kubernetes-types/core/v1.d.ts';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { ContainerStatus } from '../runtime/pod-spec.ts';
import type { Cluster, PodRecord } from './cluster.ts';

/**
 * The cluster's state as Kubernetes API objects, so `-o json|yaml` look like
 * kubectl's and printers read familiar fields. emu-specific facts (the kubectl
 * STATUS column, volume directories) travel as `emu.dev/*` annotations.
 */
export const STATUS_ANNOTATION = 'emu.dev/status';
export const VOLUMES_ANNOTATION = 'emu.dev/volume-dirs';

export function podObject(pod: PodRecord, hostIP: string): Pod {
  const s = pod.runtime.status;
  const iso = (ms?: number) => (ms ? new Date(ms).toISOString() : undefined);
  const containerStatus = (c: ContainerStatus): KubeContainerStatus => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: stateObject(c.current),
    lastState: c.last ? stateObject(c.last) : {},
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      labels: pod.labels,
      annotations: { [STATUS_ANNOTATION]: pod.scheduled ? s.reason : 'Pending', [VOLUMES_ANNOTATION]: pod.claimDirs.join(',') },
      creationTimestamp: iso(pod.createdAt),
      deletionTimestamp: pod.deleting ? iso(Date.now()) : undefined,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: pod.setName, uid: '', controller: true }],
    },
    spec: {
      hostname: pod.hostname,
      subdomain: pod.subdomain,
      nodeName: pod.scheduled ? 'emu' : undefined,
      restartPolicy: pod.runtime.spec.restartPolicy,
      terminationGracePeriodSeconds: pod.runtime.spec.terminationGracePeriodSeconds,
      initContainers: pod.runtime.spec.initContainers.map((c) => ({ name: c.name, image: c.image })),
      containers: pod.runtime.spec.containers.map((c) => ({ name: c.name, image: c.image })),
    },
    status: {
      phase: s.phase,
      podIP: s.podIP,
      podIPs: s.podIP ? [{ ip: s.podIP }] : [],
      hostIP,
      startTime: iso(s.startTime),
      reason: s.phase === 'Failed' ? s.reason : undefined,
      message: s.message,
      conditions: [
        pod.scheduled
          ? { type: 'PodScheduled', status: 'True' }
          : { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Too many pods.' },
        { type: 'Initialized', status: s.initContainerStatuses.every((c) => c.current.state === 'terminated' && c.current.exitCode === 0) ? 'True' : 'False' },
        { type: 'ContainersReady', status: s.containerStatuses.every((c) => c.ready) ? 'True' : 'False' },
        { type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: iso(s.readySinceMs) },
      ],
      initContainerStatuses: s.initContainerStatuses.map(containerStatus),
      containerStatuses: s.containerStatuses.map(containerStatus),
    },
  };
}

function stateObject(state: ContainerStatus['current']): KubeContainerStatus['state'] {
  const iso = (ms?: number) => (ms ? new Date(ms).toISOString() : undefined);
  if (state.state === 'running') return { running: { startedAt: iso(state.startedAt) } };
  if (state.state === 'waiting') return { waiting: { reason: state.reason, message: state.message } };
  return { terminated: { reason: state.reason, exitCode: state.exitCode, startedAt: iso(state.startedAt), finishedAt: iso(state.finishedAt) } };
}

export function statefulSetObject(cluster: Cluster, set: StatefulSet): StatefulSet {
  const meta = cluster.objects.meta('StatefulSet', set.metadata!.namespace!, set.metadata!.name!);
  const status = cluster.setStatus(set as never);
  return {
    ...set,
    metadata: { ...set.metadata, creationTimestamp: meta && new Date(meta.createdAt).toISOString(), generation: meta?.generation },
    status: { observedGeneration: meta?.generation, ...(status ?? { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 }) },
  };
}

export function serviceObject(cluster: Cluster, service: Service): Service {
  const meta = cluster.objects.meta('Service', service.metadata!.namespace!, service.metadata!.name!);
  const clusterIP = service.spec?.clusterIP === 'None' ? 'None' : cluster.serviceClusterIP(service.metadata!.namespace!, service.metadata!.name!);
  return {
    ...service,
    metadata: { ...service.metadata, creationTimestamp: meta && new Date(meta.createdAt).toISOString() },
    spec: { ...service.spec, type: service.spec?.type ?? 'ClusterIP', clusterIP, clusterIPs: clusterIP ? [clusterIP] : [] },
  };
}

export async function claimObjects(cluster: Cluster): Promise<PersistentVolumeClaim[]> {
  const inUse = new Set(cluster.listPods().flatMap((p) => p.claimDirs));
  return (await cluster.claims()).map((c) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: c.name, namespace: c.namespace, creationTimestamp: new Date(c.createdAt).toISOString(), annotations: { [VOLUMES_ANNOTATION]: c.dir, 'emu.dev/in-use': String(inUse.has(c.dir)) } },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'emu-hostpath', volumeName: c.dir },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'] },
  }));
}
