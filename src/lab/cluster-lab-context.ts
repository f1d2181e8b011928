/**
 * LabContext over a running cluster's API (RestApi on its socket). Connects on
 * first use, so a lab can be checked before its first step started a cluster:
 * the steps then fail with the hint to start one.
 */
import type { Event, Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import { execCapture, type ExecOutput } from '../client/pod-exec.ts';
import { resourcePath, RestApi } from '../client/rest-api.ts';
import { claimDirectory, type ClusterPaths } from '../engine/cluster-paths.ts';
import type { LabContext } from './define.ts';

const PODS = byKind('Pod')!;
const EVENTS = byKind('Event')!;

export class ClusterLabContext implements LabContext {
  private connection: Promise<RestApi> | undefined;

  constructor(
    readonly paths: ClusterPaths,
    readonly namespace = 'default',
  ) {}

  api(): Promise<RestApi> {
    this.connection ??= RestApi.connect(this.paths);
    // A failed connection is not remembered: the next step tries again.
    this.connection.catch(() => (this.connection = undefined));
    return this.connection;
  }

  async pod(name: string): Promise<(Pod & ApiObject) | undefined> {
    return (await this.api()).find<Pod & ApiObject>(PODS, this.namespace, name);
  }

  async events(about: { kind?: string; name?: string; reason?: string } = {}): Promise<(Event & ApiObject)[]> {
    const { items } = await (await this.api()).list<Event & ApiObject>(EVENTS, { namespace: this.namespace });
    return items
      .filter((e) => (!about.kind || e.involvedObject.kind === about.kind) && (!about.name || e.involvedObject.name === about.name) && (!about.reason || e.reason === about.reason))
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  }

  async exec(pod: string, command: string[], options: { container?: string } = {}): Promise<ExecOutput> {
    return execCapture(await this.api(), { namespace: this.namespace, pod, command, container: options.container });
  }

  async logs(pod: string, options: { container?: string } = {}): Promise<string> {
    const query = options.container ? `?container=${encodeURIComponent(options.container)}` : '';
    const api = await this.api();
    if (!(await this.pod(pod))) return '';
    return String(await api.raw('GET', `${resourcePath(PODS, this.namespace, pod, 'log')}${query}`));
  }

  claimDirectory(claim: string): string {
    return claimDirectory(this.paths, this.namespace, claim);
  }
}
