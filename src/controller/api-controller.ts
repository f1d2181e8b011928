/**
 * What the API-driven controllers share (the ReplicaSet and Deployment
 * controllers), as client-go's controller pattern: watches feed keys
 * (`<namespace>/<name>`) into a work queue, a sync handles one key at a time,
 * a sync that fails is retried with backoff and recorded as a FailedSync event.
 */
import type { ResourceType } from '../api/resources.ts';
import type { ApiObject, ApiStore, Watch } from '../api/store.ts';
import type { EventRecorder, EventType } from '../events/recorder.ts';
import { WorkQueue, type SyncResult } from './work-queue.ts';

/** The key a controller files an object under. */
export function objectKey(object: Pick<ApiObject, 'metadata'>): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}

/** An error whose event the sync recorded itself: retried, without another FailedSync event. */
export class ReportedFailure extends Error {}

export abstract class ApiController {
  protected readonly queue: WorkQueue;
  protected readonly watches: Watch[] = [];

  constructor(
    protected readonly store: ApiStore,
    private readonly events: EventRecorder,
    /** The kind the controller syncs (its events are recorded on objects of it). */
    private readonly type: ResourceType,
    /** `replicaset-controller`: the events' source. */
    private readonly component: string,
    protected readonly now: () => number = Date.now,
  ) {
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (key, error) => this.failed(key, error),
    );
  }

  abstract start(): void;

  protected abstract sync(key: string): SyncResult | void;

  async stop(): Promise<void> {
    for (const watch of this.watches) watch.stop();
    await this.queue.stop();
  }

  /** Resolves when no sync is running or queued. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  protected event(object: ApiObject, type: EventType, reason: string, message: string): void {
    this.events.record(object, { component: this.component }, type, reason, message);
  }

  private failed(key: string, error: unknown): void {
    const [namespace, name] = key.split('/');
    const object = this.store.find(this.type, namespace, name);
    if (object && !(error instanceof ReportedFailure)) this.event(object, 'Warning', 'FailedSync', `sync failed: ${(error as Error).message}`);
  }
}
