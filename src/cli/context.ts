/**
 * What every CLI command shares: the cluster it talks to (its Kubernetes API,
 * over the cluster's socket) and kubectl's way of naming resource types.
 */
import { resolveResourceName, type ResourceType } from '../api/resources.ts';
import { RestApi } from '../client/rest-api.ts';
import { clusterPaths } from '../engine/cluster-paths.ts';
import { EmuError } from '../errors.ts';

export function connect(): Promise<RestApi> {
  return RestApi.connect(clusterPaths());
}

/** `pods`, `po`, `sts`, `statefulset.apps`… as kubectl resolves them. */
export function resourceType(name: string): ResourceType {
  const type = resolveResourceName(name);
  if (!type) throw new EmuError('USAGE', `the server doesn't have a resource type "${name}"`);
  return type;
}

/** `TYPE NAME…` or `TYPE/NAME …`, as kubectl accepts them. */
export function typedNames(first: string, rest: string[]): { type: ResourceType; names: string[] } {
  if (first.includes('/')) {
    const [kind, name] = first.split('/');
    const more = rest.map((r) => {
      const [k, n] = r.includes('/') ? r.split('/') : [kind, r];
      if (resourceType(k) !== resourceType(kind)) throw new EmuError('USAGE', 'there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
      return n;
    });
    return { type: resourceType(kind), names: [name, ...more] };
  }
  return { type: resourceType(first), names: rest };
}
