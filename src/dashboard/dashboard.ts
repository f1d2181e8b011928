/**
 * `emu dashboard`: a live picture of one cluster in a browser. Ties the parts
 * together — the API mirror (every object, live), the lab results the last
 * `emu lab check` left, the DNS history — renders the view on every change
 * (a burst of changes is one render) and publishes it to the web server.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { claimDirectory, type ClusterPaths } from '../engine/cluster-paths.ts';
import { listLabs } from '../lab/catalog.ts';
import { readLabResults, type LabResult } from '../lab/results.ts';
import { ApiMirror } from './api-mirror.ts';
import { DashboardServer } from './dashboard-server.ts';
import { DnsHistory } from './dns-history.ts';
import { buildView } from './view.ts';

const RENDER_DELAY_MS = 50;

export class Dashboard {
  private readonly mirror: ApiMirror;
  private readonly history = new DnsHistory();
  private server: DashboardServer | undefined;
  private labWatcher: FSWatcher | undefined;
  private labResults: LabResult[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly paths: ClusterPaths,
    private readonly port: number,
  ) {
    this.mirror = new ApiMirror(paths, () => this.schedule());
  }

  /** Start serving; resolves with the URL (token included). */
  async start(): Promise<string> {
    const page = await readFile(new URL('./page.html', import.meta.url), 'utf8');
    this.server = new DashboardServer({ port: this.port, token: randomBytes(16).toString('hex'), owner: process.getuid?.() ?? 0, page });
    const url = await this.server.listen();
    await mkdir(this.paths.labs, { recursive: true });
    this.labWatcher = watch(this.paths.labs, () => void this.reloadLabs());
    await this.reloadLabs();
    this.mirror.start();
    return url;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.labWatcher?.close();
    await this.mirror.stop();
    await this.server?.close();
  }

  private async reloadLabs(): Promise<void> {
    this.labResults = await readLabResults(this.paths);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, RENDER_DELAY_MS);
  }

  private render(): void {
    const view = buildView({
      cluster: this.paths.name,
      connected: this.mirror.connected,
      objects: this.mirror.snapshot(),
      claimDirectory: (namespace, claim) => claimDirectory(this.paths, namespace, claim),
      labs: listLabs().map((l) => ({ id: l.id, title: l.title })),
      labResults: this.labResults,
    });
    view.dns = this.history.update(view.dns, Date.now());
    this.server?.publish(JSON.stringify(view));
  }
}
