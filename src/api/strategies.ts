/**
 * What the API server does per type on create, update and delete (its
 * registry strategies): Kubernetes' defaults, emu's validators (the same rules
 * and messages as `emu apply`), server-set status, immutable fields, cluster
 * IPs for Services, and grace periods for pods.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import { isDeepStrictEqual } from 'node:util';
import { ManifestError } from '../errors.ts';
import { defaultRequestObject, validateRequestObject } from '../manifest/check-request.ts';
import { defaultPodSpec } from '../manifest/defaults.ts';
import { FaultStrategy } from '../chaos/fault-object.ts';
import type { IpPool } from '../network/ip-pool.ts';
import { byKind } from './resources.ts';
import { forbidden, invalid, strictDecoding, type FieldError } from './status.ts';
import type { ApiObject, Strategy } from './store.ts';

/** Runs emu's validators; a problem becomes the API server's 400 (unknown field) or 422 (invalid value). */
function validateWithManifestRules(object: ApiObject): void {
  try {
    validateRequestObject(object);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    const type = byKind(object.kind)!;
    if (/^unknown field/.test(error.problem)) {
      throw strictDecoding(object.kind, type.group ? `${type.group}/${type.version}` : type.version, [`unknown field "${error.fieldPath}"`]);
    }
    const fieldError: FieldError = { type: 'FieldValueInvalid', field: error.fieldPath, detail: error.problem };
    throw invalid({ group: type.group, kind: object.kind }, object.metadata?.name ?? '', [fieldError]);
  }
}

/** ConfigMaps, Secrets and other kinds emu validates with its manifest rules and nothing more. */
export class ValidatedStrategy implements Strategy {
  prepareForCreate(object: ApiObject): void {
    Object.assign(object, defaultRequestObject(object));
  }

  prepareForUpdate(object: ApiObject, _old?: ApiObject): void {
    Object.assign(object, defaultRequestObject(object));
  }

  validate(object: ApiObject, _old?: ApiObject): void {
    validateWithManifestRules(object);
  }
}

/** Workloads (apps/v1) and budgets: validated, and their status is the controller's alone (ignored on create). */
class WorkloadStrategy extends ValidatedStrategy {
  override prepareForCreate(object: ApiObject): void {
    super.prepareForCreate(object);
    delete object.status;
  }
}

/** PodDisruptionBudgets (policy/v1): validated; their status is the disruption controller's. */
export class PodDisruptionBudgetStrategy extends WorkloadStrategy {}

/** Deployments and ReplicaSets: the pod selector is fixed at creation (apps/v1). */
export class ReplicatedPodsStrategy extends WorkloadStrategy {
  override validate(object: ApiObject, old?: ApiObject): void {
    super.validate(object);
    const selector = (o: ApiObject) => (o.spec as { selector?: unknown } | undefined)?.selector;
    if (old && !isDeepStrictEqual(selector(object), selector(old))) {
      throw invalid({ group: 'apps', kind: object.kind }, object.metadata.name, [{ type: 'FieldValueInvalid', field: 'spec.selector', value: selector(object), detail: 'field is immutable' }]);
    }
  }
}

/** The spec fields of a StatefulSet that may change after creation (the API server's rule). */
const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export class StatefulSetStrategy extends WorkloadStrategy {
  override validate(object: ApiObject, old?: ApiObject): void {
    super.validate(object);
    if (!old) return;
    const fixed = (o: ApiObject) => Object.fromEntries(Object.entries((o.spec ?? {}) as object).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)));
    if (!isDeepStrictEqual(fixed(object), fixed(old))) {
      throw invalid({ group: 'apps', kind: 'StatefulSet' }, object.metadata.name, [
        { type: 'FieldValueForbidden', field: 'spec', detail: `updates to statefulset spec for fields other than ${STATEFULSET_MUTABLE.map((f) => `'${f}'`).join(', ')} are forbidden` },
      ]);
    }
  }
}

export class ServiceStrategy extends ValidatedStrategy {
  constructor(private readonly clusterIPs: IpPool) {
    super();
  }

  override prepareForCreate(object: ApiObject): void {
    super.prepareForCreate(object);
    const spec = (object as Service).spec!;
    if (spec.clusterIP !== 'None') (spec as { clusterIP?: string }).clusterIP = this.clusterIPs.allocate();
    (spec as { clusterIPs?: string[] }).clusterIPs = [spec.clusterIP!];
    defaultServiceSpec(spec as Record<string, unknown>);
    (object as { status?: unknown }).status = { loadBalancer: {} };
  }

  override prepareForUpdate(object: ApiObject, old: ApiObject): void {
    super.prepareForUpdate(object);
    const spec = (object as Service).spec as { clusterIP?: string; clusterIPs?: string[] };
    const before = (old as Service).spec!;
    // Unset in the update (a client-side apply never sends it): the Service keeps its address.
    spec.clusterIP ||= before.clusterIP;
    spec.clusterIPs = before.clusterIPs ? [...before.clusterIPs] : undefined;
    defaultServiceSpec(spec as Record<string, unknown>);
  }

  override validate(object: ApiObject, old?: ApiObject): void {
    super.validate(object);
    if (old && (object as Service).spec?.clusterIP !== (old as Service).spec?.clusterIP) {
      throw invalid({ group: '', kind: 'Service' }, object.metadata.name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', value: (object as Service).spec?.clusterIP, detail: 'may not change once set' }]);
    }
  }

  afterDelete(object: ApiObject): void {
    const ip = (object as Service).spec?.clusterIP;
    if (ip && ip !== 'None') this.clusterIPs.release(ip);
  }
}

/** What the API server fills in on every Service (IPv4 single stack, no affinity, cluster-wide traffic). */
function defaultServiceSpec(spec: Record<string, unknown>): void {
  spec.sessionAffinity ??= 'None';
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
}

/** What the API server fills in on every Pod's spec (and its containers). */
function defaultPod(spec: NonNullable<Pod['spec']> & Record<string, unknown>): void {
  defaultPodSpec(spec);
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const container = c as typeof c & Record<string, unknown>;
    container.imagePullPolicy ??= /:latest$|^[^:]*$/.test(c.image ?? '') ? 'Always' : 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
  }
}

/** Fields of a pod's spec that an update may change (everything else is fixed at creation). */
const POD_MUTABLE = ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds'];

export class PodStrategy implements Strategy {
  prepareForCreate(object: ApiObject): void {
    const pod = object as Pod & ApiObject;
    const spec = pod.spec as NonNullable<Pod['spec']> & Record<string, unknown>;
    if (!spec?.containers?.length) {
      throw invalid({ group: '', kind: 'Pod' }, object.metadata.name, [{ type: 'FieldValueRequired', field: 'spec.containers' }]);
    }
    defaultPod(spec);
    pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
  }

  prepareForUpdate(object: ApiObject, old: ApiObject): void {
    const spec = object.spec as Record<string, unknown>;
    const before = old.spec as Record<string, unknown>;
    // Defaults apply to every write, as the API server decodes every request with them:
    // a re-applied manifest (which lacks them) is then the same pod again.
    if (Array.isArray(spec.containers) && spec.containers.length) defaultPod(spec as unknown as NonNullable<Pod['spec']> & Record<string, unknown>);
    // Binding (the scheduler's write) sets nodeName once; anything else keeps it.
    if (before.nodeName) spec.nodeName = before.nodeName;
  }

  /** A new pod passes emu's manifest rules (restart policy, containers, volumes); later writes only the update rules below. */
  validate(object: ApiObject, old?: ApiObject): void {
    if (!old) return validateWithManifestRules(object);
    const spec = { ...(object.spec as object) } as Record<string, unknown>;
    const before = { ...(old.spec as object) } as Record<string, unknown>;
    for (const field of [...POD_MUTABLE, 'nodeName']) {
      delete spec[field];
      delete before[field];
    }
    const strip = (s: Record<string, unknown>) => ({ ...s, containers: ((s.containers ?? []) as object[]).map((c) => ({ ...c, image: undefined })) });
    if (!isDeepStrictEqual(strip(spec), strip(before))) {
      throw invalid({ group: '', kind: 'Pod' }, object.metadata.name, [
        { type: 'FieldValueForbidden', field: 'spec', detail: 'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' },
      ]);
    }
  }

  /** Unscheduled and finished pods go at once; running ones get their grace period, as the kubelet's. */
  gracePeriod(object: ApiObject, requested: number | undefined): number {
    const pod = object as Pod & ApiObject;
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    return requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  }
}

/** default, kube-system, kube-public and kube-node-lease may not be deleted. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Namespaces carry a finalizer: the namespace controller removes it once the content is gone. */
export class NamespaceStrategy implements Strategy {
  validate(object: ApiObject): void {
    validateWithManifestRules(object);
  }

  static readonly FINALIZER = 'kubernetes';

  prepareForCreate(object: ApiObject): void {
    object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name };
    object.metadata.finalizers = [NamespaceStrategy.FINALIZER];
    object.spec = { finalizers: [NamespaceStrategy.FINALIZER] };
    object.status = { phase: 'Active' };
  }

  gracePeriod(object: ApiObject): number | undefined {
    if (SYSTEM_NAMESPACES.includes(object.metadata.name)) {
      throw forbidden({ group: '', resource: 'namespaces' }, object.metadata.name, 'this namespace may not be deleted');
    }
    return undefined;
  }
}

/** Binding fills these in once; nothing else in a claim's spec changes after creation but the size request. */
const CLAIM_SET_ONCE = ['volumeName', 'storageClassName'];

/**
 * On a claim registered again from its directory on disk (a cluster started
 * over kept volumes): its spec is a placeholder, which the first apply of the
 * claim's manifest replaces.
 */
export const RECOVERED_CLAIM_ANNOTATION = 'emu.dev/recovered-from-disk';

export class PersistentVolumeClaimStrategy extends ValidatedStrategy {
  override prepareForCreate(object: ApiObject): void {
    object.spec ??= {};
    super.prepareForCreate(object);
    object.status = { phase: 'Pending' };
  }

  override validate(object: ApiObject, old?: ApiObject): void {
    super.validate(object);
    if (!old || old.metadata.annotations?.[RECOVERED_CLAIM_ANNOTATION]) return;
    const fixed = (spec: Record<string, unknown>, before: Record<string, unknown>) => {
      const { resources: _resources, volumeAttributesClassName: _class, ...rest } = spec;
      for (const field of CLAIM_SET_ONCE) if (before[field] === undefined) delete rest[field];
      return rest;
    };
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const before = (old.spec ?? {}) as Record<string, unknown>;
    if (!isDeepStrictEqual(fixed(spec, before), fixed(before, before))) {
      throw invalid({ group: '', kind: 'PersistentVolumeClaim' }, object.metadata.name, [
        { type: 'FieldValueForbidden', field: 'spec', detail: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' },
      ]);
    }
  }
}

/** Every strategy, keyed as the store looks them up (`<group>/<resource>`). */
export function strategies(serviceIPs: IpPool): Map<string, Strategy> {
  const validated = new ValidatedStrategy();
  return new Map<string, Strategy>([
    ['/namespaces', new NamespaceStrategy()],
    ['/pods', new PodStrategy()],
    ['/services', new ServiceStrategy(serviceIPs)],
    ['/configmaps', validated],
    ['/secrets', validated],
    ['/persistentvolumeclaims', new PersistentVolumeClaimStrategy()],
    ['apps/statefulsets', new StatefulSetStrategy()],
    ['apps/deployments', new ReplicatedPodsStrategy()],
    ['apps/replicasets', new ReplicatedPodsStrategy()],
    ['policy/poddisruptionbudgets', new PodDisruptionBudgetStrategy()],
    ['chaos.emu.dev/faults', new FaultStrategy()],
  ]);
}

