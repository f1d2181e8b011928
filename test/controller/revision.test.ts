import { describe, expect, it } from 'vitest';
import { applyRevision, RevisionHistory, revisionName } from '../../src/controller/revision.ts';
import { canonicalJson } from '../../src/controller/template-hash.ts';
import { makeSet } from './helpers.ts';

describe('revisionName', () => {
  it('is <set>-<hash> over the safe alphabet and stable for the same template', () => {
    const name = revisionName(makeSet());
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(revisionName(makeSet())).toBe(name);
  });

  it('ignores key order but not content', () => {
    const a = makeSet();
    const b = makeSet();
    b.spec!.template = { spec: b.spec!.template.spec, metadata: b.spec!.template.metadata };
    expect(canonicalJson(b.spec!.template)).toBe(canonicalJson(a.spec!.template));
    expect(revisionName(b)).toBe(revisionName(a));
    expect(revisionName(makeSet({ image: 'nginx:1.26' }))).not.toBe(revisionName(a));
  });

  it('depends on the template only: scaling keeps the revision', () => {
    expect(revisionName(makeSet({ replicas: 7, partition: 2 }))).toBe(revisionName(makeSet()));
  });
});

describe('RevisionHistory', () => {
  it('appends a revision per template change and reuses an unchanged one', () => {
    const history = new RevisionHistory();
    const a = history.record(makeSet());
    expect(history.record(makeSet({ replicas: 5 }))).toBe(a);
    const b = history.record(makeSet({ image: 'nginx:1.26' }));
    expect(history.list().map((r) => [r.name, r.revision])).toEqual([
      [a.name, 1],
      [b.name, 2],
    ]);
    expect(history.get(a.name)?.template.spec?.containers[0].image).toBe('nginx:1.25');
  });

  it('rolls back by bumping the old revision number instead of creating a new one', () => {
    const history = new RevisionHistory();
    const a = history.record(makeSet());
    const b = history.record(makeSet({ image: 'nginx:1.26' }));
    const back = history.record(makeSet());
    expect(back.name).toBe(a.name);
    expect(history.list().map((r) => [r.name, r.revision])).toEqual([
      [b.name, 2],
      [a.name, 3],
    ]);
  });

  it('trims the oldest non-live revisions down to the limit', () => {
    const history = new RevisionHistory();
    const names = ['1', '2', '3', '4', '5'].map((v) => history.record(makeSet({ image: `app:${v}` })).name);
    // Revision 1 is still worn by a pod, 5 is current/update: neither counts against the limit.
    history.trim(2, [names[0], names[4]]);
    expect(history.list().map((r) => r.name)).toEqual([names[0], names[2], names[3], names[4]]);
    history.trim(0, [names[4]]);
    expect(history.list().map((r) => r.name)).toEqual([names[4]]);
  });

  it('applyRevision swaps in the revision template without touching the set', () => {
    const history = new RevisionHistory();
    const old = history.record(makeSet());
    const set = makeSet({ image: 'nginx:1.26', replicas: 4 });
    const applied = applyRevision(set, old);
    expect(applied.spec?.template.spec?.containers[0].image).toBe('nginx:1.25');
    expect(applied.spec?.replicas).toBe(4);
    expect(set.spec?.template.spec?.containers[0].image).toBe('nginx:1.26');
  });
});
