/**
 * Cluster DNS from the API: Services, their EndpointSlices and the pods
 * become (1) the cluster's hosts file (every pod's /etc/hosts, and the node's,
 * so ordinary clients resolve without a query), rewritten atomically whenever
 * an answer would change, and (2) the records of a DNS server on the node's
 * address — the nameserver in the pods' resolv.conf — for tools that ask DNS
 * (nslookup, dig): A, SRV and PTR records as Kubernetes DNS serves them. Both
 * come from the same objects in the same pass. A burst of changes is one
 * render; writes land in order.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import { clusterRecords, type ClusterZone } from './dns-records.ts';
import { DnsServer } from './dns-server.ts';
import { dnsServices, podHostnames } from './dns-sources.ts';
import { renderHostsFile, resolveInHosts, writeHostsFile, type DnsService } from './hosts-file.ts';

const SERVICES = byKind('Service')!;
const SLICES = byKind('EndpointSlice')!;
const PODS = byKind('Pod')!;

export class ClusterDns {
  private readonly watches: Watch[] = [];
  private content = '';
  private queued = false;
  private render: Promise<void> = Promise.resolve();
  private zone: ClusterZone = clusterRecords({ services: [], endpointSlices: [] });
  private server?: DnsServer;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ApiStore,
    private readonly dnsDir: string,
    private readonly onWriteError: (error: unknown) => void,
  ) {}

  /** Write the first hosts file and, given an address, serve DNS on port 53 there. */
  async start(serveOn?: string): Promise<void> {
    await writeHostsFile(this.dnsDir, renderHostsFile([]));
    if (serveOn) this.server = await DnsServer.start({ host: serveOn, port: 53, zone: () => this.zone });
    for (const type of [SERVICES, SLICES, PODS]) this.watches.push(this.store.watch(type, {}, () => this.queue()));
  }

  async stop(): Promise<void> {
    for (const watch of this.watches) watch.stop();
    await this.server?.close();
  }

  /** A render is queued and has not run yet. */
  get busy(): boolean {
    return this.queued;
  }

  /** Resolves once the queued render (if any) has run and every write so far has landed. */
  async idle(): Promise<void> {
    await this.render;
    await this.writes;
  }

  /** Addresses a name resolves to, as pods see them (hosts-file order, each once). */
  resolve(name: string): string[] {
    return resolveInHosts(this.content, name);
  }

  private queue(): void {
    if (this.queued) return;
    this.queued = true;
    this.render = new Promise((resolve) =>
      setImmediate(() => {
        this.queued = false;
        this.zone = clusterRecords({
          services: this.store.list<Service & ApiObject>(SERVICES, { unsorted: true }).items,
          endpointSlices: this.store.list<EndpointSlice & ApiObject>(SLICES, { unsorted: true }).items,
          pods: this.store.list<Pod & ApiObject>(PODS, { unsorted: true }).items,
        });
        const content = renderHostsFile(this.services(), this.podHostnames());
        if (content !== this.content) {
          this.content = content;
          this.writes = this.writes.then(() => writeHostsFile(this.dnsDir, content)).catch(this.onWriteError);
        }
        resolve();
      }),
    );
  }

  private services(): DnsService[] {
    return dnsServices(this.store.list<Service & ApiObject>(SERVICES).items, this.store.list<EndpointSlice & ApiObject>(SLICES).items);
  }

  private podHostnames(): { hostname: string; ip: string; fqdn?: string }[] {
    return podHostnames(this.store.list<Pod & ApiObject>(PODS).items);
  }
}
