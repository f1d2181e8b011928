/**
 * The stable identity Kubernetes gives each StatefulSet pod
 * (pkg/controller/statefulset/stateful_set_utils.go): name, hostname, subdomain,
 * labels and persistent volume claim names all derive from the set name and ordinal.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { readSpec } from './types.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export interface PodIdentity {
  name: string;
  /** The pod's hostname is its name; with subdomain it resolves as <name>.<serviceName>.<ns>.svc. */
  hostname: string;
  subdomain: string;
  labels: Record<string, string>;
  /** One claim per volumeClaimTemplate, in template order. */
  claimNames: string[];
}

export function podName(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

/** Splits `<set>-<ordinal>` the way Kubernetes does (the last dash-separated number); undefined if there is none. */
export function parsePodName(name: string): { setName: string; ordinal: number } | undefined {
  const match = /^(.*)-([0-9]+)$/.exec(name);
  if (!match) return undefined;
  const ordinal = Number(match[2]);
  return Number.isSafeInteger(ordinal) ? { setName: match[1], ordinal } : undefined;
}

/** Claim `<claimTemplate>-<set>-<ordinal>`: the same claim follows the identity across pod incarnations. */
export function claimName(claimTemplateName: string, setName: string, ordinal: number): string {
  return `${claimTemplateName}-${podName(setName, ordinal)}`;
}

/** Template labels plus the three labels the StatefulSet controller stamps on every pod. */
export function podLabels(set: StatefulSet, ordinal: number, revision: string): Record<string, string> {
  const { name } = readSpec(set);
  return {
    ...set.spec?.template.metadata?.labels,
    [POD_NAME_LABEL]: podName(name, ordinal),
    [POD_INDEX_LABEL]: String(ordinal),
    [REVISION_LABEL]: revision,
  };
}

export function podIdentity(set: StatefulSet, ordinal: number, revision: string): PodIdentity {
  const { name, serviceName } = readSpec(set);
  return {
    name: podName(name, ordinal),
    hostname: podName(name, ordinal),
    subdomain: serviceName,
    labels: podLabels(set, ordinal, revision),
    claimNames: (set.spec?.volumeClaimTemplates ?? []).map((t) => claimName(t.metadata?.name ?? '', name, ordinal)),
  };
}
