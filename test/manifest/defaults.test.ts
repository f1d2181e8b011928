import { describe, expect, it } from 'vitest';
import { parseManifestText, type KubeObject } from '../../src/manifest/index.ts';

const load = (text: string): KubeObject => parseManifestText(text, 'test.yaml')[0].object;
const deploymentYaml = (specLine: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  ${specLine}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.25}]
`;

describe('Kubernetes defaults', () => {
  it('fill in a minimal StatefulSet', () => {
    const object = load(`
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: postgres:16
        ports: [{containerPort: 5432}]
        readinessProbe: {httpGet: {port: 8080}}
        livenessProbe: {tcpSocket: {port: 5432}, periodSeconds: 0, timeoutSeconds: 5}
      volumes:
      - {name: conf, configMap: {name: conf}}
      - {name: creds, secret: {secretName: creds, defaultMode: 0400}}
`);
    expect(object.metadata.namespace).toBe('default');
    if (object.kind !== 'StatefulSet') throw new Error('expected a StatefulSet');
    const { template, ...spec } = object.spec;
    expect(spec).toEqual({
      selector: { matchLabels: { app: 'db' } },
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      minReadySeconds: 0,
      ordinals: { start: 0 },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const pod = template.spec!;
    expect(pod.restartPolicy).toBe('Always');
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    const [container] = pod.containers;
    expect(container.ports).toEqual([{ containerPort: 5432, protocol: 'TCP' }]);
    const probeDefaults = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
    expect(container.readinessProbe).toEqual({ httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, ...probeDefaults });
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 5432 }, ...probeDefaults, timeoutSeconds: 5 });
    expect(pod.volumes!.map((v) => (v.configMap ?? v.secret)!.defaultMode)).toEqual([0o644, 0o400]);
  });

  it('give OnDelete no rollingUpdate, and keep explicit values', () => {
    const object = load(`
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: prod}
spec:
  replicas: 0
  updateStrategy: {type: OnDelete}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
`);
    expect(object.metadata.namespace).toBe('prod');
    expect(object.kind === 'StatefulSet' && [object.spec.replicas, object.spec.updateStrategy]).toEqual([0, { type: 'OnDelete' }]);
  });

  it('fill in Service type, port protocol and targetPort', () => {
    const object = load(`
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80}
  - {name: dns, port: 53, targetPort: dns, protocol: UDP}
`);
    expect(object.kind === 'Service' && object.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 80, protocol: 'TCP' },
        { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
      ],
    });
  });

  it('merge Secret stringData into data as base64, stringData winning, like the API server', () => {
    const object = load(`
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {user: YWRtaW4=, password: b2xk}
stringData: {password: s3cret}
`);
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'default' },
      type: 'Opaque',
      data: { user: 'YWRtaW4=', password: Buffer.from('s3cret').toString('base64') },
    });
  });
  it('fill in a Deployment as apps/v1 does (RollingUpdate 25%/25%, history 10, deadline 600 s)', () => {
    const object = load(deploymentYaml(''));
    if (object.kind !== 'Deployment') throw new Error('expected a Deployment');
    const { template, ...spec } = object.spec;
    expect(spec).toEqual({
      selector: { matchLabels: { app: 'web' } },
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(template.spec).toMatchObject({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30 });
  });

  it('leave Recreate without rollingUpdate, and keep a bare Pod\'s restartPolicy', () => {
    const deployment = load(deploymentYaml('strategy: {type: Recreate}'));
    if (deployment.kind !== 'Deployment') throw new Error('expected a Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = load(`
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: OnFailure
  containers: [{name: main, image: busybox:1.36}]
`);
    if (pod.kind !== 'Pod') throw new Error('expected a Pod');
    expect(pod.spec).toMatchObject({ restartPolicy: 'OnFailure', terminationGracePeriodSeconds: 30 });
    expect(pod.metadata.namespace).toBe('default');
  });

  it('give a Namespace no namespace, and a claim volumeMode Filesystem', () => {
    const [ns, claim] = parseManifestText(`
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared, namespace: team-a}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 1Gi}}
`, 'test.yaml').map((m) => m.object);
    expect(ns.metadata).toEqual({ name: 'team-a' });
    expect((claim as { spec?: unknown }).spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
  });
});
