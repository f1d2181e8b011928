/**
 * How the fields of the Kubernetes kinds emu serves merge in a strategic merge
 * patch and in server-side apply: the `patchStrategy` / `patchMergeKey` tags of
 * k8s.io/api (core/v1, apps/v1 types.go), as a small table per kind.
 *
 * A list without a strategy here is atomic (a patch replaces it whole); an object
 * field without an entry merges key by key. Only the paths that carry a strategy
 * need to be written down.
 */

export interface FieldShape {
  /** `merge`: merge list items (by `mergeKey` for objects, as a set for scalars). */
  strategy?: 'merge';
  /** `retainKeys`: a patch may carry `$retainKeys` to clear the keys it does not list. */
  retainKeys?: boolean;
  mergeKey?: string;
  /** The shape of the object this field holds, or of each list item. */
  of?: ObjectShape;
  /** Server-side apply owns this object as one field (`x-kubernetes-map-type: atomic`). */
  atomic?: boolean;
}

export type ObjectShape = Readonly<Record<string, FieldShape>>;

const mergeBy = (mergeKey: string, of?: ObjectShape): FieldShape => ({ strategy: 'merge', mergeKey, of });
const nested = (of: ObjectShape): FieldShape => ({ of });

const CONDITIONS = mergeBy('type');
/** LabelSelector is an atomic struct: apply owns it whole. */
const ATOMIC: FieldShape = { atomic: true };

export const OBJECT_META: ObjectShape = {
  finalizers: { strategy: 'merge' },
  ownerReferences: mergeBy('uid'),
};

export const CONTAINER: ObjectShape = {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

export const POD_SPEC: ObjectShape = {
  volumes: { strategy: 'merge', retainKeys: true, mergeKey: 'name' },
  initContainers: mergeBy('name', CONTAINER),
  containers: mergeBy('name', CONTAINER),
  ephemeralContainers: mergeBy('name', CONTAINER),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  resourceClaims: { strategy: 'merge', retainKeys: true, mergeKey: 'name' },
  schedulingGates: mergeBy('name'),
};

const POD_STATUS: ObjectShape = {
  conditions: CONDITIONS,
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
};

export const POD_TEMPLATE_SPEC: ObjectShape = {
  metadata: nested(OBJECT_META),
  spec: nested(POD_SPEC),
};

const STATUS_WITH_CONDITIONS = nested({ conditions: CONDITIONS });

function workload(spec: ObjectShape = {}): ObjectShape {
  return {
    metadata: nested(OBJECT_META),
    spec: nested({ template: nested(POD_TEMPLATE_SPEC), selector: ATOMIC, ...spec }),
    status: STATUS_WITH_CONDITIONS,
  };
}

const DEFAULT_SHAPE: ObjectShape = { metadata: nested(OBJECT_META) };

const SHAPES: Record<string, ObjectShape> = {
  Pod: { metadata: nested(OBJECT_META), spec: nested(POD_SPEC), status: nested(POD_STATUS) },
  PodTemplate: { metadata: nested(OBJECT_META), template: nested(POD_TEMPLATE_SPEC) },
  StatefulSet: workload(),
  Deployment: workload({ strategy: { retainKeys: true } }),
  ReplicaSet: workload(),
  DaemonSet: workload({ updateStrategy: { retainKeys: true } }),
  Job: workload(),
  Service: {
    metadata: nested(OBJECT_META),
    spec: nested({ ports: mergeBy('port') }),
    status: STATUS_WITH_CONDITIONS,
  },
  Node: {
    metadata: nested(OBJECT_META),
    spec: nested({ podCIDRs: { strategy: 'merge' } }),
    status: nested({ conditions: CONDITIONS, addresses: mergeBy('type') }),
  },
  PersistentVolumeClaim: { metadata: nested(OBJECT_META), status: STATUS_WITH_CONDITIONS },
  Namespace: { metadata: nested(OBJECT_META), status: STATUS_WITH_CONDITIONS },
  PodDisruptionBudget: { metadata: nested(OBJECT_META), status: STATUS_WITH_CONDITIONS },
};

/** The merge table for a kind; kinds without one still merge metadata correctly. */
export function shapeOf(kind: string | undefined): ObjectShape {
  return (kind && SHAPES[kind]) || DEFAULT_SHAPE;
}
