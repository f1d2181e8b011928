/**
 * Revisions of a StatefulSet's pod template, after Kubernetes' ControllerRevisions
 * (pkg/controller/history): the name is `<set>-<hash of the template>`, so an
 * unchanged template keeps its revision and any change yields a new one.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.d.ts';
import { templateHash } from './template-hash.ts';
import { readSpec } from './types.ts';

export interface ControllerRevision {
  name: string;
  /** Grows with every change of the template, including a rollback to an older one. */
  revision: number;
  template: PodTemplateSpec;
}

/** `<set>-<hash of the template>`. */
export function revisionName(set: StatefulSet): string {
  return `${readSpec(set).name}-${templateHash(set.spec?.template)}`;
}

/** The set as of `revision`: its pod template swapped in (Kubernetes' ApplyRevision). */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  return { ...set, spec: { ...set.spec!, template: structuredClone(revision.template) } };
}

/** The ControllerRevisions of one set, oldest first. */
export class RevisionHistory {
  private revisions: ControllerRevision[];

  constructor(revisions: readonly ControllerRevision[] = []) {
    this.revisions = [...revisions].sort((a, b) => a.revision - b.revision);
  }

  list(): readonly ControllerRevision[] {
    return [...this.revisions];
  }

  get(name: string): ControllerRevision | undefined {
    return this.revisions.find((r) => r.name === name);
  }

  /**
   * Makes the set's template the newest revision and returns it. As in Kubernetes,
   * returning to an older template reuses that revision with a bumped number.
   */
  record(set: StatefulSet): ControllerRevision {
    const name = revisionName(set);
    const latest = this.revisions.at(-1);
    if (latest?.name === name) return latest;
    const next = (latest?.revision ?? 0) + 1;
    const existing = this.get(name);
    if (existing) {
      existing.revision = next;
      this.revisions.sort((a, b) => a.revision - b.revision);
      return existing;
    }
    const created = { name, revision: next, template: structuredClone(set.spec?.template ?? {}) };
    this.revisions.push(created);
    return created;
  }

  /**
   * Drops the oldest revisions beyond `limit`, counting only those not live (not
   * the current or update revision, not worn by any pod) — Kubernetes' truncateHistory.
   */
  trim(limit: number, live: Iterable<string>): void {
    const keep = new Set(live);
    const historic = this.revisions.filter((r) => !keep.has(r.name));
    const drop = new Set(historic.slice(0, Math.max(0, historic.length - limit)));
    this.revisions = this.revisions.filter((r) => !drop.has(r));
  }
}
