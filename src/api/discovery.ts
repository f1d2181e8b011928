/**
 * API discovery documents, derived from the resource table: the legacy forms
 * (APIVersions, APIGroupList, APIResourceList) and the aggregated v2 form
 * kubectl 1.32 asks for first (apidiscovery.k8s.io/v2).
 */
import { groupVersion, RESOURCES, type ResourceType } from './resources.ts';

/** The media type kubectl needs on an aggregated answer, or it ignores the body. */
export const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  // The kubectl dispatcher picks its client by this minor version.
  gitVersion: 'v1.32.0-emu',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Groups in the order the API server lists them (core first). */
export function apiGroups(): { group: string; versions: string[] }[] {
  const groups: { group: string; versions: string[] }[] = [];
  for (const r of RESOURCES) {
    const found = groups.find((g) => g.group === r.group);
    if (!found) groups.push({ group: r.group, versions: [r.version] });
    else if (!found.versions.includes(r.version)) found.versions.push(r.version);
  }
  return groups;
}

export function apiVersions() {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups()
      .filter((g) => g.group !== '')
      .map((g) => {
        const versions = g.versions.map((version) => ({ groupVersion: `${g.group}/${version}`, version }));
        return { name: g.group, versions, preferredVersion: versions[0] };
      }),
  };
}

function subresourceVerbs(sub: string): string[] {
  if (sub === 'log') return ['get'];
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward') return ['create', 'get'];
  if (sub === 'eviction' || sub === 'binding') return ['create'];
  return ['get', 'patch', 'update'];
}

function subresourceKind(type: ResourceType, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'eviction') return { group: 'policy', version: 'v1', kind: 'Eviction' };
  if (sub === 'binding') return { group: '', version: 'v1', kind: 'Binding' };
  if (sub === 'exec' || sub === 'attach') return { group: '', version: 'v1', kind: sub === 'exec' ? 'PodExecOptions' : 'PodAttachOptions' };
  if (sub === 'portforward') return { group: '', version: 'v1', kind: 'PodPortForwardOptions' };
  if (sub === 'log') return { group: '', version: 'v1', kind: 'Pod' };
  return { group: type.group, version: type.version, kind: type.kind };
}

export function apiResourceList(group: string, version: string) {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    },
    ...r.subresources.map((sub) => {
      const k = subresourceKind(r, sub);
      return { name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, ...(k.group ? { group: k.group, version: k.version } : {}), kind: k.kind, verbs: subresourceVerbs(sub) };
    }),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** The aggregated discovery list for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(core: boolean) {
  const items = apiGroups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: RESOURCES.filter((r) => r.group === g.group && r.version === version).map((r) => ({
          resource: r.resource,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: r.verbs,
          ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
          ...(r.categories.length ? { categories: r.categories } : {}),
          subresources: r.subresources.map((sub) => ({ subresource: sub, responseKind: subresourceKind(r, sub), verbs: subresourceVerbs(sub) })),
        })),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** A group-version path as the OpenAPI v3 index names it: `api/v1`, `apis/apps/v1`. */
export function openApiPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export { groupVersion };
