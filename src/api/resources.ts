/**
 * The resource types emu's API serves: one table that discovery, OpenAPI, the
 * HTTP routes, the store and the CLI's name resolution (`sts`, `po`, `pvc`) all
 * read, so a resource is declared exactly once.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The plural, lower-case name used in paths: `statefulsets`. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  /** Subresources served under `<resource>/<name>/<sub>`. */
  subresources: string[];
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function define(
  groupVersion: string,
  kind: string,
  resource: string,
  options: { namespaced?: boolean; shortNames?: string[]; categories?: string[]; verbs?: Verb[]; subresources?: string[] } = {},
): ResourceType {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  return {
    group,
    version,
    kind,
    resource,
    singular: kind.toLowerCase(),
    namespaced: options.namespaced ?? true,
    shortNames: options.shortNames ?? [],
    categories: options.categories ?? [],
    verbs: options.verbs ?? ALL_VERBS,
    subresources: options.subresources ?? [],
  };
}

export const RESOURCES: readonly ResourceType[] = [
  define('v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'] }),
  define('v1', 'Node', 'nodes', { namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  define('v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'exec', 'attach', 'portforward', 'eviction', 'binding'] }),
  define('v1', 'Service', 'services', { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  define('v1', 'Endpoints', 'endpoints', { shortNames: ['ep'] }),
  define('v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  define('v1', 'Secret', 'secrets'),
  define('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', { shortNames: ['pvc'], subresources: ['status'] }),
  define('v1', 'PersistentVolume', 'persistentvolumes', { namespaced: false, shortNames: ['pv'], subresources: ['status'] }),
  define('v1', 'Event', 'events', { shortNames: ['ev'] }),
  define('v1', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  define('apps/v1', 'StatefulSet', 'statefulsets', { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('apps/v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('apps/v1', 'ReplicaSet', 'replicasets', { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  define('apps/v1', 'ControllerRevision', 'controllerrevisions'),
  define('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', { shortNames: ['pdb'], subresources: ['status'] }),
  define('discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices'),
  // emu's own: chaos faults in force (src/chaos/fault-object.ts).
  define('chaos.emu.dev/v1alpha1', 'Fault', 'faults', { subresources: ['status'] }),
];

export function groupVersion(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `statefulsets.apps`, `pods`: how Kubernetes names a resource in messages. */
export function qualifiedName(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

export function byKind(kind: string, apiVersion?: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind && (!apiVersion || groupVersion(r) === apiVersion));
}

export function byResource(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/**
 * Resolves what a user types (`pods`, `pod`, `po`, `sts`, `statefulset.apps`,
 * `deployments.v1.apps`), as kubectl's RESTMapper does.
 */
export function resolveResourceName(name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  const [first, ...rest] = lower.split('.');
  const group = rest.length >= 2 && /^v\d/.test(rest[0]) ? rest.slice(1).join('.') : rest.join('.');
  const candidates = RESOURCES.filter((r) => rest.length === 0 || r.group === group);
  return candidates.find((r) => r.resource === first || r.singular === first || r.shortNames.includes(first) || r.kind.toLowerCase() === first);
}

/** The only resource types where a status subresource keeps spec and status apart. */
export function hasStatusSubresource(type: ResourceType): boolean {
  return type.subresources.includes('status');
}
