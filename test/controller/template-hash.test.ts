import { describe, expect, it } from 'vitest';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.d.ts';
import { claim } from '../../src/controller/controller-ref.ts';
import { equalIgnoreHash, scaledValue } from '../../src/controller/deployment-util.ts';
import { templateHash } from '../../src/controller/template-hash.ts';

const template = (image = 'nginx:1.25', extra: object = {}): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image, ...extra }] } });

describe('pod template hashes', () => {
  it('are over the safe alphabet, stable, and change with the template or the collision count', () => {
    const hash = templateHash(template());
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(templateHash(template())).toBe(hash);
    expect(templateHash(template('nginx:1.26'))).not.toBe(hash);
    expect(templateHash(template(), 1)).not.toBe(hash);
    expect(templateHash(template(), 1)).not.toBe(templateHash(template(), 2));
  });

  it('treat absent and empty fields alike, as a Go struct does (a template kubectl sends back hashes the same)', () => {
    const sentBack = { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', resources: {}, args: [] }] } } as unknown as PodTemplateSpec;
    expect(templateHash(sentBack)).toBe(templateHash(template()));
    expect(equalIgnoreHash(sentBack, template())).toBe(true);
  });

  it('compare ReplicaSet templates ignoring only the pod-template-hash label', () => {
    const withHash = { ...template(), metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
    expect(equalIgnoreHash(withHash, template())).toBe(true);
    expect(equalIgnoreHash({ ...template(), metadata: { labels: { app: 'web', tier: 'x' } } }, template())).toBe(false);
  });
});

describe('maxSurge and maxUnavailable values', () => {
  it('scale percentages of the replicas, rounding up or down', () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(scaledValue(2, 10, true)).toBe(2);
    expect(scaledValue('100%', 3, false)).toBe(3);
  });
});

describe('claiming objects by selector', () => {
  const owner = { metadata: { name: 'web', uid: 'me' } };
  const object = (name: string, labels: Record<string, string>, ownerUid?: string, deleting = false) => ({
    metadata: { name, labels, ...(ownerUid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: ownerUid, controller: true }] } : {}), ...(deleting ? { deletionTimestamp: 'now' } : {}) },
  });
  const matches = (o: { metadata: { labels?: Record<string, string> } }) => o.metadata.labels?.app === 'web';

  it('keeps matching owned objects, adopts matching orphans, releases owned ones that no longer match, leaves others alone', () => {
    const result = claim(owner, [object('mine', { app: 'web' }, 'me'), object('orphan', { app: 'web' }), object('moved', { app: 'api' }, 'me'), object('theirs', { app: 'web' }, 'other'), object('dying', { app: 'web' }, undefined, true)], matches);
    expect({ owned: result.owned.map((o) => o.metadata.name), adopt: result.adopt.map((o) => o.metadata.name), release: result.release.map((o) => o.metadata.name) }).toEqual({ owned: ['mine'], adopt: ['orphan'], release: ['moved'] });
  });

  it('neither adopts nor releases while the owner is being deleted', () => {
    const result = claim({ metadata: { ...owner.metadata, deletionTimestamp: 'now' } }, [object('orphan', { app: 'web' }), object('moved', { app: 'api' }, 'me')], matches);
    expect({ adopt: result.adopt.length, release: result.release.length, owned: result.owned.length }).toEqual({ adopt: 0, release: 0, owned: 1 });
  });
});
