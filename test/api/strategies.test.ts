import { describe, expect, it } from 'vitest';
import { byKind } from '../../src/api/resources.ts';
import { ApiStore, type ApiObject } from '../../src/api/store.ts';
import { RECOVERED_CLAIM_ANNOTATION, strategies } from '../../src/api/strategies.ts';
import { IpPool } from '../../src/network/ip-pool.ts';
import { catchApiError } from '../helpers/api-error.ts';

const NS = byKind('Namespace')!;
const DEPLOY = byKind('Deployment')!;
const RS = byKind('ReplicaSet')!;
const POD = byKind('Pod')!;
const PVC = byKind('PersistentVolumeClaim')!;

function store(): ApiStore {
  const s = new ApiStore(strategies(new IpPool('10.96.0.0/16')));
  s.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return s;
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } };
const deployment = (): ApiObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 9 } });

describe('API strategies for Deployments, ReplicaSets, Pods, claims and namespaces', () => {
  it('default a Deployment, ignore the status it was sent, and count generations of its spec', () => {
    const s = store();
    const created = s.create(DEPLOY, deployment()) as ApiObject & { spec: Record<string, unknown> };
    expect(created.status).toBeUndefined();
    expect(created.metadata.generation).toBe(1);
    expect(created.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    const scaled = s.mutate<ApiObject & { spec: { replicas: number } }>(DEPLOY, 'default', 'web', (d) => (d.spec.replicas = 3));
    expect(scaled.metadata.generation).toBe(2);
    const annotated = s.mutate(DEPLOY, 'default', 'web', (d) => (d.metadata.annotations = { note: 'x' }));
    expect(annotated.metadata.generation).toBe(2);
  });

  it('keep the selector of Deployments and ReplicaSets fixed', () => {
    const s = store();
    s.create(DEPLOY, deployment());
    const error = catchApiError(() =>
      s.mutate<ApiObject & { spec: Record<string, unknown> }>(DEPLOY, 'default', 'web', (d) => {
        d.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
        (d.spec.template as typeof template).metadata.labels = { app: 'web', tier: 'front' } as never;
      }),
    );
    expect(error.code).toBe(422);
    expect(error.message).toBe('Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: field is immutable');
    const rs = { ...deployment(), kind: 'ReplicaSet' };
    s.create(RS, rs);
    expect(catchApiError(() => s.mutate<ApiObject & { spec: Record<string, unknown> }>(RS, 'default', 'web', (d) => (d.spec.selector = { matchLabels: { app: 'other' } }))).code).toBe(422);
  });

  it("refuse a Deployment whose template labels miss the selector, with emu's message", () => {
    const bad = deployment();
    (bad.spec as { selector: unknown }).selector = { matchLabels: { app: 'api' } };
    const error = catchApiError(() => store().create(DEPLOY, bad));
    expect(error.message).toContain('spec.template.metadata.labels: Invalid value');
    expect(error.message).toContain('`selector` does not match template `labels`');
  });

  it('validate a new bare Pod (restart policies Always, OnFailure, Never) but let a controller write its status', () => {
    const s = store();
    const pod = (name: string, restartPolicy: string): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox:1.36', stdin: true, stdinOnce: true }] } });
    for (const policy of ['Always', 'OnFailure', 'Never']) expect((s.create(POD, pod(policy.toLowerCase(), policy)).spec as { restartPolicy: string }).restartPolicy).toBe(policy);
    const error = catchApiError(() => s.create(POD, pod('sometimes', 'Sometimes')));
    expect(error.message).toBe('Pod "sometimes" is invalid: spec.restartPolicy: Invalid value: unsupported value "Sometimes": must be one of "Always", "OnFailure", "Never"');
    const done = s.mutate(POD, 'default', 'never', (d) => (d.status = { phase: 'Succeeded' }), { subresource: 'status' });
    expect((done.status as { phase: string }).phase).toBe('Succeeded');
  });

  it('default a Pod on every write, so the same manifest sent again is the same pod, and keep its spec fixed', () => {
    const s = store();
    const manifest = (command: string[]): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [{ name: 'main', image: 'busybox', command }] } });
    const created = s.create(POD, manifest(['sleep', '1']));
    // A whole manifest replaces the spec (as `emu apply`'s merge patch of an array does): the defaults come back.
    const again = s.update(POD, { ...manifest(['sleep', '1']), metadata: { ...created.metadata } });
    expect(again.spec).toEqual(created.spec);
    const error = catchApiError(() => s.update(POD, { ...manifest(['sleep', '2']), metadata: { ...again.metadata } }));
    expect(error.code).toBe(422);
    expect(error.message).toContain('pod updates may not change fields other than `spec.containers[*].image`');
  });

  it('keep a claim spec fixed except the size request, and let binding fill in the volume once', () => {
    const s = store();
    s.create(PVC, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'shared' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } } });
    const bound = s.mutate<ApiObject & { spec: Record<string, unknown> }>(PVC, 'default', 'shared', (d) => Object.assign(d.spec, { volumeName: 'pvc-1', storageClassName: 'standard' }));
    expect(bound.spec).toMatchObject({ volumeName: 'pvc-1', volumeMode: 'Filesystem' });
    const grown = s.mutate<ApiObject & { spec: Record<string, unknown> }>(PVC, 'default', 'shared', (d) => (d.spec.resources = { requests: { storage: '2Gi' } }));
    expect(grown.spec.resources).toEqual({ requests: { storage: '2Gi' } });
    for (const change of [{ accessModes: ['ReadWriteOnce'] }, { volumeName: 'pvc-2' }]) {
      const error = catchApiError(() => s.mutate<ApiObject & { spec: Record<string, unknown> }>(PVC, 'default', 'shared', (d) => Object.assign(d.spec, change)));
      expect(error.message).toBe('PersistentVolumeClaim "shared" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
    }
  });

  it('let the first apply replace the placeholder spec of a claim recovered from disk', () => {
    const s = store();
    s.create(PVC, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'kept', annotations: { [RECOVERED_CLAIM_ANNOTATION]: 'true' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const applied = s.mutate<ApiObject & { spec: Record<string, unknown> }>(PVC, 'default', 'kept', (d) => (d.spec.accessModes = ['ReadWriteMany']));
    expect(applied.spec.accessModes).toEqual(['ReadWriteMany']);
  });

  it('validate namespace names', () => {
    const error = catchApiError(() => store().create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Team_A' } }));
    expect(error.code).toBe(422);
    expect(error.message).toContain('metadata.name: Invalid value: invalid value "Team_A"');
  });

  it('cut a generated name base to 58 characters, as the API server does', () => {
    const s = store();
    const long = 'x'.repeat(70);
    const created = s.create(POD, { apiVersion: 'v1', kind: 'Pod', metadata: { name: '', generateName: `${long}-` }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } });
    expect(created.metadata.name).toMatch(/^x{58}[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
