import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import { catchApiError as conflictOf } from '../helpers/api-error.ts';
import { recordUpdate, serverSideApply } from '../../src/api/patch.ts';
import { fromFieldsV1, pathOf, pathString, toFieldsV1 } from '../../src/api/managed-fields.ts';

const NOW = new Date('2025-01-02T03:04:05.678Z');

/** The configuration `kubectl apply --server-side -f web.yaml` sends. */
function config(overrides: { replicas?: number; image?: string; labels?: Record<string, string>; sidecar?: boolean } = {}): StatefulSet {
  const containers = [{ name: 'nginx', image: overrides.image ?? 'nginx-slim:0.21', ports: [{ containerPort: 80, name: 'web' }] }];
  if (overrides.sidecar) containers.push({ name: 'sidecar', image: 'busybox', ports: [] });
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', labels: overrides.labels ?? { app: 'nginx' } },
    spec: {
      serviceName: 'nginx',
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers } },
    },
  };
}

/** What the API store adds to a stored object (never owned by anyone). */
function stored(object: StatefulSet): StatefulSet {
  return { ...object, metadata: { ...object.metadata, uid: 'u-1', resourceVersion: '7', generation: 1 }, status: { replicas: 2, availableReplicas: 2 } };
}


describe('server-side apply', () => {
  it('creates a missing object and records what the manager applied in FieldsV1', () => {
    const created = serverSideApply<StatefulSet>(undefined, config(), { manager: 'kubectl', now: NOW });
    expect(created.spec?.replicas).toBe(2);
    expect(created.metadata?.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2025-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:serviceName': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80}': { '.': {}, 'f:containerPort': {}, 'f:name': {} } } },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it("removes what the manager applied before and now leaves out, keeps others' fields", () => {
    const first = stored(serverSideApply<StatefulSet>(undefined, config({ labels: { app: 'nginx', tier: 'web' }, sidecar: true }), { manager: 'kubectl', now: NOW }));
    const annotated = recordUpdate(first, { ...first, metadata: { ...first.metadata, annotations: { note: 'by hand' } } }, { manager: 'kubectl-annotate', apiVersion: 'apps/v1', now: NOW });
    const second = serverSideApply(annotated, config(), { manager: 'kubectl', now: NOW });
    expect(second.metadata?.labels).toEqual({ app: 'nginx' });
    expect(second.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['nginx']);
    expect(second.metadata?.annotations).toEqual({ note: 'by hand' });
    expect(second.metadata?.uid).toBe('u-1');
    expect(second.status).toEqual({ replicas: 2, availableReplicas: 2 });
    expect(second.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['kubectl-annotate', 'Update'],
    ]);
  });

  it('refuses to change a field another manager set, with Kubernetes’ message and causes', () => {
    const applied = stored(serverSideApply<StatefulSet>(undefined, config(), { manager: 'kubectl', now: NOW }));
    const scaled = recordUpdate(applied, { ...applied, spec: { ...applied.spec!, replicas: 5 } }, { manager: 'kube-scaler', apiVersion: 'apps/v1', now: NOW });
    const error = conflictOf(() => serverSideApply(scaled, config({ replicas: 3 }), { manager: 'kubectl', now: NOW }));
    expect(error.toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kube-scaler" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kube-scaler" using apps/v1', field: '.spec.replicas' }] },
    });
  });

  it('lists several conflicts by manager and takes them over with force', () => {
    const mine = stored(serverSideApply<StatefulSet>(undefined, config(), { manager: 'kubectl', now: NOW }));
    const theirs = serverSideApply(mine, config({ replicas: 4, image: 'nginx:2' }), { manager: 'ci', force: true, now: NOW });
    const error = conflictOf(() => serverSideApply(theirs, config({ replicas: 1, image: 'nginx:3' }), { manager: 'kubectl', now: NOW }));
    expect(error.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "ci":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    const forced = serverSideApply(theirs, config({ replicas: 1, image: 'nginx:3' }), { manager: 'kubectl', force: true, now: NOW });
    expect(forced.spec?.replicas).toBe(1);
    const ci = forced.metadata?.managedFields?.find((m) => m.manager === 'ci');
    const ciFields = [...fromFieldsV1(ci?.fieldsV1)].map((k) => pathString(pathOf(k)));
    expect(ciFields).not.toContain('.spec.replicas');
    expect(ciFields).toContain('.spec.serviceName');
  });

  it('shares a field two managers set to the same value, without conflict', () => {
    const mine = stored(serverSideApply<StatefulSet>(undefined, config(), { manager: 'kubectl', now: NOW }));
    const both = serverSideApply(mine, config(), { manager: 'other', now: NOW });
    expect(both.metadata?.managedFields).toHaveLength(2);
    // Now kubectl drops the label: the other manager still owns it, so it stays.
    const dropped = serverSideApply(both, config({ labels: {} }), { manager: 'kubectl', now: NOW });
    expect(dropped.metadata?.labels).toEqual({ app: 'nginx' });
  });

  it('round-trips FieldsV1', () => {
    const fields = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {} } } } };
    expect(toFieldsV1(fromFieldsV1(fields))).toEqual(fields);
  });

  it('refuses an apply without a field manager', () => {
    expect(conflictOf(() => serverSideApply<StatefulSet>(undefined, config(), { manager: '' })).code).toBe(400);
  });

  it('lets kubectl take over what client-side apply set and nobody changed since, as the API server does', () => {
    const csa = config();
    const annotated = { ...csa, metadata: { ...csa.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(csa) } } };
    const live = stored(recordUpdate(undefined, annotated, { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: NOW }));
    const upgraded = serverSideApply(live, config({ image: 'nginx-slim:0.24' }), { manager: 'kubectl', now: NOW });
    expect(upgraded.spec?.template.spec?.containers[0].image).toBe('nginx-slim:0.24');
    expect(JSON.parse(upgraded.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration']).spec.template.spec.containers[0].image).toBe('nginx-slim:0.24');
    // Another manager name gets no such pass.
    expect(conflictOf(() => serverSideApply(live, config({ image: 'nginx-slim:0.24' }), { manager: 'ci', now: NOW })).code).toBe(409);
    // Nor does kubectl for a field someone changed after the client-side apply.
    const scaled = recordUpdate(live, { ...live, spec: { ...live.spec!, replicas: 7 } }, { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: NOW });
    expect(conflictOf(() => serverSideApply(scaled, config({ replicas: 3 }), { manager: 'kubectl', now: NOW })).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });
});
