/**
 * Controller references (an ownerReference with controller: true), and how a
 * controller claims the objects its selector picks, as Kubernetes'
 * ControllerRefManager does: it keeps what it owns and still matches, adopts
 * matching orphans, and releases what it owns but no longer matches.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.d.ts';
import type { ApiObject } from '../api/store.ts';

type Owned = Pick<ApiObject, 'metadata'>;

export function controllerRef(owner: Pick<ApiObject, 'apiVersion' | 'kind' | 'metadata'>): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function controllerOf(object: Owned): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller);
}

export function isControlledBy(object: Owned, owner: Owned): boolean {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

export interface Claimed<T> {
  /** Owned and matching: the controller's to manage. */
  owned: T[];
  /** Orphans that match: to be adopted (then owned). */
  adopt: T[];
  /** Owned but no longer matching: to be released. */
  release: T[];
}

export function claim<T extends Owned>(owner: Owned, candidates: readonly T[], matches: (object: T) => boolean): Claimed<T> {
  const result: Claimed<T> = { owned: [], adopt: [], release: [] };
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  for (const object of candidates) {
    const ref = controllerOf(object);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue; // someone else's
      if (matches(object) || ownerDeleting) result.owned.push(object);
      else result.release.push(object);
    } else if (!ownerDeleting && !object.metadata.deletionTimestamp && matches(object)) {
      result.adopt.push(object);
    }
  }
  return result;
}
