/**
 * The event recorder: controllers and the kubelet report what happened as v1
 * Event objects in the API, as client-go's recorder does — the same event
 * again (same object, reason and message) bumps `count` and `lastTimestamp`
 * instead of adding a row. `kubectl get events` and `describe` read them.
 */
import { randomBytes } from 'node:crypto';
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject, ApiStore } from '../api/store.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  /** `statefulset-controller`, `kubelet`, `default-scheduler`, `emu-chaos`… */
  component: string;
}

const EVENTS = byKind('Event')!;
/** Events kept per namespace before the oldest go (Kubernetes expires them after an hour). */
const MAX_EVENTS_PER_NAMESPACE = 1000;

export class EventRecorder {
  private readonly keys = new Map<string, string>();
  /** Per namespace, the events this recorder created, oldest first (for trimming without listing). */
  private readonly created = new Map<string, { name: string; key: string }[]>();

  constructor(private readonly store: ApiStore) {}

  /** Record an event about `object` (anything with kind, apiVersion and metadata). */
  record(object: Pick<ApiObject, 'kind' | 'apiVersion' | 'metadata'>, source: EventSource, type: EventType, reason: string, message: string): void {
    const namespace = object.metadata.namespace ?? 'default';
    const involved: ObjectReference = {
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
      apiVersion: object.apiVersion,
      resourceVersion: object.metadata.resourceVersion,
    };
    const key = [involved.uid, involved.name, type, reason, message, source.component].join('\u0000');
    const now = this.store.timestamp();
    const existing = this.keys.get(key);
    try {
      if (existing && this.store.find(EVENTS, namespace, existing)) {
        this.store.mutate<Event & ApiObject>(EVENTS, namespace, existing, (e) => {
          e.count = (e.count ?? 1) + 1;
          e.lastTimestamp = now;
        });
        return;
      }
      const name = `${object.metadata.name}.${randomBytes(8).toString('hex')}`;
      const event: Event & ApiObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: involved,
        reason,
        message,
        type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: source.component, host: 'emu' },
        reportingComponent: source.component,
        reportingInstance: 'emu',
      };
      this.store.create(EVENTS, event);
      this.keys.set(key, name);
      const list = this.created.get(namespace) ?? [];
      this.created.set(namespace, list);
      list.push({ name, key });
      this.trim(namespace, list);
    } catch {
      // An event about an object in a namespace being torn down has nowhere to go.
    }
  }

  private trim(namespace: string, list: { name: string; key: string }[]): void {
    while (list.length > MAX_EVENTS_PER_NAMESPACE) {
      const oldest = list.shift()!;
      this.keys.delete(oldest.key);
      if (this.store.find(EVENTS, namespace, oldest.name)) this.store.delete(EVENTS, namespace, oldest.name);
    }
  }
}
