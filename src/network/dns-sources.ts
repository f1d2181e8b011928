/**
 * What cluster DNS is made of, from API objects: each Service with the
 * endpoints of its EndpointSlice, and each pod's own hostname. Pure, so the
 * hosts-file writer (cluster-dns.ts) and the dashboard's DNS table render the
 * very same answers.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import type { ApiObject } from '../api/store.ts';
import { SERVICE_NAME_LABEL } from './endpoints-controller.ts';
import type { DnsService } from './hosts-file.ts';

export function dnsServices(services: readonly (Service & ApiObject)[], slices: readonly (EndpointSlice & ApiObject)[]): DnsService[] {
  return services.map((svc) => {
    const slice = slices.find((s) => s.metadata.namespace === svc.metadata.namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name);
    return {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace!,
      clusterIP: svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? svc.spec.clusterIP : undefined,
      endpoints: (slice?.endpoints ?? []).map((ep) => ({
        podName: ep.targetRef?.name ?? '',
        ip: ep.addresses[0],
        ready: ep.conditions?.ready ?? false,
        hostname: ep.hostname ?? '',
        subdomain: ep.hostname ? svc.metadata.name : undefined,
      })),
    };
  });
}

/** Each pod resolves its own hostname (and FQDN when it has a subdomain), as the kubelet's /etc/hosts allows. */
export function podHostnames(pods: readonly (Pod & ApiObject)[]): { hostname: string; ip: string; fqdn?: string }[] {
  return pods.flatMap((pod) => {
    const ip = pod.status?.podIP;
    if (!ip || pod.metadata.deletionTimestamp) return [];
    const hostname = pod.spec?.hostname ?? pod.metadata.name;
    const subdomain = pod.spec?.subdomain;
    return [{ hostname, ip, fqdn: subdomain ? `${hostname}.${subdomain}.${pod.metadata.namespace}.svc.cluster.local` : undefined }];
  });
}
