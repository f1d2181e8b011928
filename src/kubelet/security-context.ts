import type { PodSecurityContext, SecurityContext } from 'kubernetes-types/core/v1.d.ts';
import { ALL_CAPABILITIES, capabilityName, DEFAULT_CAPABILITIES } from '../runtime/capabilities.ts';
import type { ContainerSecurity } from '../runtime/container-runtime.ts';

export interface ResolvedSecurity {
  security: ContainerSecurity;
  /** Why the kubelet would refuse to create this container (CreateContainerConfigError). */
  configError?: string;
}

/**
 * A container's securityContext merged over its pod's, as the kubelet and
 * containerd do: the container's fields win; a user without a group runs with
 * that user's primary group from /etc/passwd, else 0 (native images run as root);
 * fsGroup joins the supplemental groups; capabilities start from the runtime
 * default set, `drop: [ALL]` empties it and `add` comes after.
 */
export function resolveSecurity(
  pod: PodSecurityContext | undefined,
  container: SecurityContext | undefined,
  names: { pod: string; container: string },
  primaryGroup: (uid: number) => number | undefined,
): ResolvedSecurity {
  const uid = container?.runAsUser ?? pod?.runAsUser ?? 0;
  const gid = container?.runAsGroup ?? pod?.runAsGroup ?? (uid === 0 ? 0 : (primaryGroup(uid) ?? 0));
  const groups = [...(pod?.supplementalGroups ?? []), ...(pod?.fsGroup !== undefined ? [pod.fsGroup] : [])];
  const security: ContainerSecurity = {
    uid,
    gid,
    supplementalGroups: [...new Set(groups)],
    capabilities: capabilities(container?.capabilities?.add, container?.capabilities?.drop),
    privileged: container?.privileged ?? false,
    noNewPrivileges: container?.allowPrivilegeEscalation === false,
    readOnlyRootFilesystem: container?.readOnlyRootFilesystem ?? false,
  };
  const where = `(pod: "${names.pod}", container: ${names.container})`;
  if ((container?.runAsNonRoot ?? pod?.runAsNonRoot) && uid === 0) {
    // The kubelet's own words for the two cases.
    const explicit = (container?.runAsUser ?? pod?.runAsUser) !== undefined;
    return { security, configError: explicit ? `container's runAsUser breaks non-root policy ${where}` : `container has runAsNonRoot and image will run as root ${where}` };
  }
  return { security };
}

/** A container with no securityContext at all: root, the default capabilities. */
export function defaultSecurity(): ContainerSecurity {
  return resolveSecurity(undefined, undefined, { pod: '', container: '' }, () => undefined).security;
}

function capabilities(add: string[] = [], drop: string[] = []): string[] {
  const named = (list: string[]) => list.map((c) => capabilityName(c)).filter((c): c is string => c !== undefined);
  const [added, dropped] = [named(add), named(drop)];
  let set: string[] = added.includes('ALL') ? [...ALL_CAPABILITIES] : [...DEFAULT_CAPABILITIES];
  if (dropped.includes('ALL')) set = [];
  set.push(...added.filter((c) => c !== 'ALL'));
  return [...new Set(set)].filter((c) => !dropped.includes(c));
}

/** Does any container ask for the host's privileges? Then the pod keeps the host's user ids. */
export function podUsesHostUsers(hostUsers: boolean | undefined, containers: { securityContext?: SecurityContext }[]): boolean {
  return hostUsers === true || containers.some((c) => c.securityContext?.privileged === true);
}
