import { createHash } from 'node:crypto';

/**
 * The smallest OpenAPI v3 that kubectl 1.32 needs: `GET /openapi/v3` (an index of
 * group-versions) and one document per group-version whose PATCH operations carry
 * `x-kubernetes-group-version-kind` and a `fieldValidation` parameter. With that,
 * kubectl's `--validate=strict` (its default) sends `?fieldValidation=Strict` and
 * leaves validation to the server (cli-runtime's queryParamVerifierV3) instead of
 * failing with "failed to download openapi".
 *
 * The PATCH operations deliberately have no requestBody: kubectl then computes
 * strategic merge patches from the Go types compiled into it (the real merge
 * keys) rather than from schemas this document does not carry. `kubectl explain`
 * needs schemas and is not served.
 */

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** Plural, lower case: `statefulsets`. */
  resource: string;
  namespaced: boolean;
  /** `status`, `scale`, … */
  subresources?: string[];
}

/** The resources emu serves. */
export const EMU_RESOURCES: readonly ApiResource[] = [
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, subresources: ['status', 'log', 'exec', 'attach', 'portforward'] },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Endpoints', resource: 'endpoints', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', namespaced: true, subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Event', resource: 'events', namespaced: true },
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false, subresources: ['status'] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', namespaced: true, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', resource: 'controllerrevisions', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true, subresources: ['status'] },
];

/** `v1` → `api/v1`, `apps/v1` → `apis/apps/v1`: the keys of the index and the URL tails. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function groupVersions(resources: readonly ApiResource[]): Map<string, ApiResource[]> {
  const byPath = new Map<string, ApiResource[]>();
  for (const r of resources) {
    const key = groupVersionPath(r.group, r.version);
    byPath.set(key, [...(byPath.get(key) ?? []), r]);
  }
  return byPath;
}

const queryParameter = (name: string, description: string, type = 'string') => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });

const PATCH_PARAMETERS = [
  queryParameter('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParameter('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  queryParameter('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.'),
  queryParameter('force', 'Force is going to "force" Apply requests.', 'boolean'),
];
const WRITE_PARAMETERS = PATCH_PARAMETERS.slice(0, 3);
const LIST_PARAMETERS = ['labelSelector', 'fieldSelector', 'resourceVersion', 'limit', 'continue', 'watch', 'allowWatchBookmarks', 'timeoutSeconds'].map((name) =>
  queryParameter(name, `${name} of the list or watch.`, name === 'watch' || name === 'allowWatchBookmarks' ? 'boolean' : name === 'limit' || name === 'timeoutSeconds' ? 'integer' : 'string'),
);

function operation(r: ApiResource, action: string, verb: string, subresource: string | undefined, parameters: object[]): object {
  const scope = r.namespaced ? 'Namespaced' : '';
  const groupName = r.group ? r.group.split('.')[0].replace(/^./, (c) => c.toUpperCase()) : 'Core';
  const sub = subresource ? subresource.replace(/^./, (c) => c.toUpperCase()) : '';
  return {
    operationId: `${verb}${groupName}${r.version.replace(/^./, (c) => c.toUpperCase())}${scope}${r.kind}${sub}`,
    parameters,
    responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

/** The paths of one group-version, with the operations kubectl looks for. */
function pathsOf(resources: readonly ApiResource[]): Record<string, object> {
  const paths: Record<string, object> = {};
  for (const r of resources) {
    const base = `/${groupVersionPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    paths[base] = {
      get: operation(r, 'list', 'list', undefined, LIST_PARAMETERS),
      post: operation(r, 'post', 'create', undefined, WRITE_PARAMETERS),
    };
    paths[`${base}/{name}`] = {
      get: operation(r, 'get', 'read', undefined, []),
      put: operation(r, 'put', 'replace', undefined, WRITE_PARAMETERS),
      patch: operation(r, 'patch', 'patch', undefined, PATCH_PARAMETERS),
      delete: operation(r, 'delete', 'delete', undefined, []),
    };
    for (const sub of r.subresources ?? []) {
      if (sub === 'status' || sub === 'scale') {
        paths[`${base}/{name}/${sub}`] = {
          get: operation(r, 'get', 'read', sub, []),
          put: operation(r, 'put', 'replace', sub, WRITE_PARAMETERS),
          patch: operation(r, 'patch', 'patch', sub, PATCH_PARAMETERS),
        };
      }
    }
  }
  return paths;
}

/** The document for one group-version (`api/v1`, `apis/apps/v1`), or undefined if emu serves none. */
export function openApiDocument(path: string, resources: readonly ApiResource[] = EMU_RESOURCES, serverVersion = 'v1.32.0'): object | undefined {
  const members = groupVersions(resources).get(path.replace(/^\/+|\/+$/g, ''));
  if (!members) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion },
    paths: pathsOf(members),
    components: { schemas: {} },
  };
}

/** `GET /openapi/v3`: each group-version and where its document is, with a hash that changes with it. */
export function openApiIndex(resources: readonly ApiResource[] = EMU_RESOURCES, serverVersion = 'v1.32.0'): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const path of groupVersions(resources).keys()) {
    const hash = createHash('sha512').update(JSON.stringify(openApiDocument(path, resources, serverVersion))).digest('hex').slice(0, 128).toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}
