/**
 * A live copy of a cluster's objects, for the dashboard: list then watch every
 * resource type the API serves (so kinds added to src/api/resources.ts appear
 * without changes here), over the cluster's socket. When the cluster is not
 * running, or its API ends a watch, it starts over after a pause. Secrets are
 * never copied: the dashboard is projected in a room.
 */
import { RESOURCES, type ResourceType } from '../api/resources.ts';
import { ApiError } from '../api/status.ts';
import type { ApiObject } from '../api/store.ts';
import { RestApi } from '../client/rest-api.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';
import { delay } from '../util/deadline.ts';

const RETRY_MS = 1000;

export function mirroredTypes(): ResourceType[] {
  return RESOURCES.filter((r) => r.verbs.includes('list') && r.verbs.includes('watch') && r.kind !== 'Secret');
}

const keyOf = (o: ApiObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class ApiMirror {
  private readonly objects = new Map<string, Map<string, ApiObject>>();
  private readonly watches: { stop(): void }[] = [];
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  connected = false;

  constructor(
    private readonly paths: ClusterPaths,
    private readonly onChange: () => void,
    private readonly types = mirroredTypes(),
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeWatches();
    this.wake?.();
    await this.running;
  }

  /** Objects by kind. */
  snapshot(): Map<string, ApiObject[]> {
    return new Map(this.types.map((t) => [t.kind, [...(this.objects.get(t.kind)?.values() ?? [])]]));
  }

  private wake: (() => void) | undefined;

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const ended = new Promise<void>((resolve) => (this.wake = resolve));
      try {
        const api = await RestApi.connect(this.paths);
        for (const type of this.types) {
          // A type this cluster does not serve is left out; a lost connection starts over.
          await this.follow(api, type, () => this.wake?.()).catch((error: unknown) => {
            if (!(error instanceof ApiError)) throw error;
          });
        }
        this.connected = true;
        this.onChange();
        await ended;
      } catch {
        // Not running (yet), or gone: try again shortly.
      }
      this.closeWatches();
      if (this.connected) {
        this.connected = false;
        this.onChange();
      }
      if (!this.stopped) await Promise.race([delay(RETRY_MS), ended]);
    }
  }

  /** List (replacing what was known of the type), then watch from that list's resourceVersion. */
  private async follow(api: RestApi, type: ResourceType, onEnd: () => void): Promise<void> {
    const list = await api.list(type);
    this.objects.set(type.kind, new Map(list.items.map((o) => [keyOf(o), o])));
    const watch = await api.watch(
      type,
      { resourceVersion: list.resourceVersion },
      (event) => {
        const known = this.objects.get(type.kind)!;
        if (event.type === 'ADDED' || event.type === 'MODIFIED') known.set(keyOf(event.object), event.object);
        else if (event.type === 'DELETED') known.delete(keyOf(event.object));
        else if (event.type === 'ERROR') return onEnd(); // e.g. 410 Gone: list again
        else return;
        this.onChange();
      },
      onEnd,
    );
    this.watches.push(watch);
  }

  private closeWatches(): void {
    for (const watch of this.watches.splice(0)) watch.stop();
  }
}
