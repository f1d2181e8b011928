/**
 * The production PodControl: the StatefulSet controller's side effects as API
 * writes, as Kubernetes' StatefulPodControl makes them. A pod is created as a
 * Pod object (owned by its set, with the identity labels, hostname and
 * subdomain, and a volume per claim); its claims as PersistentVolumeClaims
 * first. The kubelet runs what appears; deletion is graceful through the API.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { PersistentVolumeClaim, Pod, Volume } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import { ApiError } from '../api/status.ts';
import type { ApiObject, ApiStore } from '../api/store.ts';
import type { PodControl } from './pod-control.ts';
import { podIdentity } from './pod-identity.ts';
import { readSpec, type DeleteReason } from './types.ts';

const PODS = byKind('Pod')!;
const CLAIMS = byKind('PersistentVolumeClaim')!;

export class ApiPodControl implements PodControl {
  constructor(private readonly store: ApiStore) {}

  async createPod(set: StatefulSet, ordinal: number, revision: string): Promise<void> {
    const { namespace, name: setName } = readSpec(set);
    const identity = podIdentity(set, ordinal, revision);
    const templates = set.spec?.volumeClaimTemplates ?? [];
    templates.forEach((template, i) => this.ensureClaim(set, template, identity.claimNames[i]));
    const template = set.spec!.template;
    const claimVolumes: Volume[] = templates.map((t, i) => ({ name: t.metadata!.name!, persistentVolumeClaim: { claimName: identity.claimNames[i] } }));
    const spec = structuredClone(template.spec!);
    // Claim volumes replace any template volume of the same name, as in Kubernetes.
    spec.volumes = [...(spec.volumes ?? []).filter((v) => !claimVolumes.some((c) => c.name === v.name)), ...claimVolumes];
    const pod: Pod & ApiObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: identity.name,
        namespace,
        labels: identity.labels,
        annotations: template.metadata?.annotations,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: setName, uid: set.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...spec, hostname: identity.hostname, subdomain: identity.subdomain },
    };
    this.store.create(PODS, pod);
  }

  async deletePod(namespace: string, name: string, _reason: DeleteReason): Promise<void> {
    try {
      this.store.delete(PODS, namespace, name);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }

  async deleteClaims(set: StatefulSet, ordinal: number): Promise<void> {
    const { namespace } = readSpec(set);
    for (const claim of podIdentity(set, ordinal, '').claimNames) {
      if (this.store.find(CLAIMS, namespace, claim)) this.store.delete(CLAIMS, namespace, claim);
    }
  }

  /** A claim outlives its pods: created once, then found again by every later incarnation. */
  private ensureClaim(set: StatefulSet, template: PersistentVolumeClaim, name: string): void {
    const { namespace } = readSpec(set);
    if (this.store.find(CLAIMS, namespace, name)) return;
    const claim: PersistentVolumeClaim & ApiObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata?.labels, ...set.spec?.selector?.matchLabels },
        annotations: template.metadata?.annotations,
      },
      spec: structuredClone(template.spec ?? {}),
    };
    this.store.create(CLAIMS, claim);
  }
}
