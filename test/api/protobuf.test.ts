// kubectl's protobuf request bodies: the bytes the real kubectl sends must decode
// to exactly the JSON it would have sent, and malformed bytes must give a 400
// that says where, never anything else.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCredentials } from '../../src/api/credentials.ts';
import { decodeProtobufBody, isProtobuf, messageNames } from '../../src/api/protobuf.ts';
import { MESSAGES } from '../../src/api/protobuf-messages.ts';
import { ApiError } from '../../src/api/status.ts';
import { SeededRandom } from '../../src/chaos/random.ts';
import { catchApiError } from '../helpers/api-error.ts';
import { KubectlCapture, type CapturedBody } from '../helpers/kubectl-capture.ts';
import { kubernetesBody, ProtoWriter } from '../helpers/protobuf-writer.ts';

/** kubectl's generator commands that send protobuf, and where they send it. */
const GENERATORS: { args: string[]; path: string }[] = [
  { args: ['create', 'namespace', 'team-a'], path: '/api/v1/namespaces' },
  { args: ['create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=empty='], path: '/api/v1/namespaces/default/configmaps' },
  { args: ['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr3t', '--type=Opaque'], path: '/api/v1/namespaces/default/secrets' },
  { args: ['create', 'secret', 'tls', 'tls', '--cert=tls.crt', '--key=tls.key'], path: '/api/v1/namespaces/default/secrets' },
  { args: ['create', 'secret', 'docker-registry', 'pull', '--docker-username=u', '--docker-password=p', '--docker-server=registry.local'], path: '/api/v1/namespaces/default/secrets' },
  { args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https'], path: '/api/v1/namespaces/default/services' },
  { args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'], path: '/api/v1/namespaces/default/services' },
  { args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'], path: '/api/v1/namespaces/default/services' },
  { args: ['create', 'serviceaccount', 'robot'], path: '/api/v1/namespaces/default/serviceaccounts' },
  { args: ['create', 'deployment', 'nginx', '--image=nginx', '--replicas=3', '--port=80'], path: '/apis/apps/v1/namespaces/default/deployments' },
  { args: ['create', 'deployment', 'idle', '--image=nginx', '--image=busybox', '--replicas=0'], path: '/apis/apps/v1/namespaces/default/deployments' },
  { args: ['create', 'deployment', 'sleeper', '--image=busybox', '--', 'sleep', '1d'], path: '/apis/apps/v1/namespaces/default/deployments' },
  { args: ['create', 'poddisruptionbudget', 'min', '--selector=app=web', '--min-available=1'], path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets' },
  { args: ['create', 'poddisruptionbudget', 'max', '--selector=app=web', '--max-unavailable=50%'], path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets' },
];

/** `kubectl create … --dry-run=client -o json`: the object as kubectl would have sent it in JSON. */
function dryRunArgs(args: string[]): string[] {
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  return [...args.slice(0, end), '--dry-run=client', '-o', 'json', ...args.slice(end)];
}

/** ObjectMeta with a name, as field 1 of an object. */
const meta = (w: ProtoWriter, name: string) => w.message(1, (m) => m.string(1, name));

const capture = new KubectlCapture();
const captured = new Map<string, CapturedBody>();

beforeAll(async () => {
  await capture.start();
  const credentials = await ensureCredentials(`${capture.workDir}/pki`, { cluster: 'protobuf-test' });
  writeFileSync(`${capture.workDir}/tls.crt`, credentials.serverCert);
  writeFileSync(`${capture.workDir}/tls.key`, credentials.serverKey);
}, 60_000);
afterAll(() => capture.stop());

describe('bodies captured from the real kubectl', () => {
  for (const { args, path } of GENERATORS) {
    it(`kubectl ${args.join(' ')}`, async () => {
      const bodies = await capture.capture(args);
      expect(bodies.map((b) => [b.method, b.path, b.contentType])).toEqual([['POST', path, 'application/vnd.kubernetes.protobuf']]);
      expect(bodies[0].body.subarray(0, 4).toString('latin1')).toBe('k8s\0');
      captured.set(args.join(' '), bodies[0]);
      const asJson = await capture.kubectl(dryRunArgs(args));
      expect(asJson.exitCode, asJson.stderr).toBe(0);
      expect(decodeProtobufBody(bodies[0].body)).toEqual(JSON.parse(asJson.stdout));
    });
  }

  it('keeps what matters: Secret bytes in base64, a zero replica count, IntOrString and Quantity forms', () => {
    const secret = decodeProtobufBody(captured.get('create secret generic creds --from-literal=password=s3cr3t --type=Opaque')!.body) as any;
    expect(secret.data).toEqual({ password: Buffer.from('s3cr3t').toString('base64') });
    expect(secret.type).toBe('Opaque');
    const idle = decodeProtobufBody(captured.get('create deployment idle --image=nginx --image=busybox --replicas=0')!.body) as any;
    expect(idle.spec.replicas).toBe(0);
    expect(idle.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['nginx', 'busybox']);
    const web = decodeProtobufBody(captured.get('create service clusterip web --tcp=80:8080 --tcp=443:https')!.body) as any;
    expect(web.spec.ports.map((p: any) => p.targetPort)).toEqual([8080, 'https']);
    const max = decodeProtobufBody(captured.get('create poddisruptionbudget max --selector=app=web --max-unavailable=50%')!.body) as any;
    expect(max.spec.maxUnavailable).toBe('50%');
  });

  it('answers every truncation of every captured body with a 400, unless it falls between two envelope fields', () => {
    expect(captured.size).toBe(GENERATORS.length);
    for (const { body } of captured.values()) {
      const decoded: number[] = [];
      for (let length = 0; length < body.length; length++) {
        try {
          decodeProtobufBody(body.subarray(0, length));
          decoded.push(length);
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).code, `${length} of ${body.length} bytes: ${(error as ApiError).message}`).toBe(400);
        }
      }
      // Protobuf cannot tell a message cut at a field boundary from a shorter one: after typeMeta (no
      // object yet) and after raw (the trailing empty contentEncoding and contentType). Inside raw, never.
      expect(decoded.length).toBeLessThanOrEqual(3);
    }
  });

  it('decodes or refuses with 400 when bytes are flipped at random (seeded)', () => {
    const random = new SeededRandom(20_261_129);
    const bodies = [...captured.values()].map((c) => c.body);
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const body = Buffer.from(random.pick(bodies));
      for (let flips = random.int(1, 3); flips > 0; flips--) body[random.int(4, body.length - 1)] = random.int(0, 255);
      try {
        const object = decodeProtobufBody(body);
        expect(typeof object.kind).toBe('string');
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        expect([400, 415]).toContain((error as ApiError).code);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe('decoding hand-built messages', () => {
  it('recognises the Kubernetes protobuf media type only', () => {
    expect(isProtobuf('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(isProtobuf('application/vnd.kubernetes.protobuf; charset=binary')).toBe(true);
    expect(isProtobuf('application/x-protobuf')).toBe(false);
    expect(isProtobuf(undefined)).toBe(false);
  });

  it('drops zeros Go would omit and keeps zeros of pointer and required fields', () => {
    const body = kubernetesBody('apps/v1', 'Deployment', (d) =>
      d
        .message(1, (m) => m.string(1, 'd').string(2, '').varint(7, 0))
        .message(2, (s) =>
          s
            .varint(1, 0) // replicas: a pointer, so 0 is meant
            .varint(5, 0) // minReadySeconds: omitempty
            .varint(7, false) // paused: omitempty
            .message(3, (t) => t.message(2, (p) => p.message(2, (c) => c.string(1, '').string(2, 'nginx').varint(16, false)).varint(21, false))),
        ),
    );
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 0, template: { spec: { containers: [{ name: '', image: 'nginx' }], automountServiceAccountToken: false } } },
    });
  });

  it('reads negative int32 and int64 values, packed and unpacked repeated numbers, and bytes maps', () => {
    const body = kubernetesBody('apps/v1', 'Deployment', (d) =>
      d.message(2, (s) =>
        s.message(3, (t) =>
          t.message(2, (p) =>
            p
              .varint(25, -5) // priority (int32), ten bytes on the wire
              .message(14, (sc) => sc.varint(4, 1000).varint(4, 2000).bytesField(4, new ProtoWriter().rawVarint(3000n).rawVarint(4000n).finish()).varint(2, -1)),
          ),
        ),
      ),
    );
    const spec = (decodeProtobufBody(body) as any).spec.template.spec;
    expect(spec.priority).toBe(-5);
    expect(spec.securityContext).toEqual({ supplementalGroups: [1000, 2000, 3000, 4000], runAsUser: -1 });
    const secret = kubernetesBody('v1', 'Secret', (s) => meta(s, 'x').message(2, (e) => e.string(1, 'bin').bytesField(2, Uint8Array.from([0, 255, 10]))));
    expect((decodeProtobufBody(secret) as any).data).toEqual({ bin: 'AP8K' });
  });

  it('gives Time, Quantity, IntOrString and FieldsV1 their JSON forms and inlines embedded messages', () => {
    const body = kubernetesBody('apps/v1', 'Deployment', (d) =>
      d
        .message(1, (m) =>
          m
            .string(1, 'd')
            .message(8, (t) => t.varint(1, 1_700_000_000).varint(2, 5))
            .message(17, (f) => f.string(1, 'kubectl').message(7, (v) => v.bytesField(1, Buffer.from('{"f:spec":{}}')))),
        )
        .message(2, (s) =>
          s
            .message(4, (st) => st.string(1, 'RollingUpdate').message(2, (r) => r.message(1, (i) => i.varint(1, 1).string(3, '25%')).message(2, (i) => i.varint(2, 0))))
            .message(3, (t) =>
              t.message(2, (p) =>
                p
                  .message(1, (v) => v.string(1, 'config').message(2, (src) => src.message(19, (cm) => cm.message(1, (l) => l.string(1, 'settings')).varint(3, 420))))
                  .message(2, (c) => c.string(1, 'app').message(8, (r) => r.message(1, (e) => e.string(1, 'cpu').message(2, (q) => q.string(1, '200m'))))),
              ),
            ),
        ),
    );
    const d = decodeProtobufBody(body) as any;
    expect(d.metadata.creationTimestamp).toBe('2023-11-14T22:13:20Z');
    expect(d.metadata.managedFields).toEqual([{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }]);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } });
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'settings', defaultMode: 420 } }]);
    expect(d.spec.template.spec.containers[0].resources).toEqual({ limits: { cpu: '200m' } });
  });

  it('merges a message field that comes twice, as protobuf does, and lets the last scalar win', () => {
    const body = kubernetesBody('v1', 'ConfigMap', (c) =>
      c
        .message(1, (m) => m.string(1, 'first').entry(11, 'a', '1'))
        .message(1, (m) => m.string(1, 'second').entry(11, 'b', '2'))
        .entry(2, 'k', 'v'),
    );
    expect(decodeProtobufBody(body)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'second', labels: { a: '1', b: '2' } }, data: { k: 'v' } });
  });

  it('reads DeleteOptions under any group version and an Eviction', () => {
    const options = kubernetesBody('apps/v1', 'DeleteOptions', (o) => o.varint(1, 0).string(4, 'Foreground').string(5, 'All'));
    expect(decodeProtobufBody(options)).toEqual({ apiVersion: 'apps/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });
    const eviction = kubernetesBody('policy/v1', 'Eviction', (e) => meta(e, 'web-0').message(2, (o) => o.varint(1, 30)));
    expect(decodeProtobufBody(eviction)).toEqual({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0' }, deleteOptions: { gracePeriodSeconds: 30 } });
  });
});

describe('refusing malformed bodies', () => {
  const message = (body: Buffer) => catchApiError(() => decodeProtobufBody(body));

  it('says a body without the k8s magic is not protobuf', () => {
    const error = message(Buffer.from('{"kind":"ConfigMap"}'));
    expect([error.code, error.message]).toEqual([400, 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]']);
  });

  it('names an unknown field number with its message and JSON path (strict decoding)', () => {
    const body = kubernetesBody('apps/v1', 'Deployment', (d) => d.message(2, (s) => s.message(3, (t) => t.message(2, (p) => p.message(2, (c) => c.string(1, 'app').varint(99, 1))))));
    const error = message(body);
    expect(error.code).toBe(400);
    expect(error.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field number 99 of Container at "spec.template.spec.containers[0]"');
    expect(message(kubernetesBody('v1', 'ConfigMap', (c) => c.string(9, 'x'))).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field number 9 of ConfigMap');
  });

  it('names the field and byte of a wrong wire type, a truncated length, bad UTF-8 and an oversized integer', () => {
    const wrongType = message(kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.varint(1, 7))));
    expect(wrongType.message).toMatch(/^ConfigMap in version "v1" cannot be handled as a ConfigMap: protobuf: wrong wire type varint for field 1 \(name\), expected length-delimited at byte \d+ \(metadata\.name\)$/);
    const overrun = message(kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.tag(3, 2).rawVarint(50n).raw([0x61]))));
    expect(overrun.message).toMatch(/protobuf: length 50 runs past the end of the data at byte \d+ \(metadata\.namespace\)$/);
    const badText = message(kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.bytesField(1, Uint8Array.from([0xc3, 0x28])))));
    expect(badText.message).toMatch(/protobuf: string is not valid UTF-8 at byte \d+ \(metadata\.name\)$/);
    const huge = message(kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.varint(7, 2n ** 60n))));
    expect(huge.message).toMatch(/protobuf: integer 1152921504606846976 is too large for JSON at byte \d+ \(metadata\.generation\)$/);
    for (const error of [wrongType, overrun, badText, huge]) expect(error.code).toBe(400);
  });

  it('refuses a broken envelope with 400 and kinds or encodings it cannot read with 415', () => {
    const envelope = message(Buffer.concat([Buffer.from('k8s\0', 'latin1'), new ProtoWriter().varint(1, 3).finish()]));
    expect([envelope.code, envelope.message]).toEqual([400, 'protobuf envelope: unexpected field 1 (varint) in runtime.Unknown at byte 4']);
    const statefulSet = message(kubernetesBody('apps/v1', 'StatefulSet', (s) => meta(s, 'web')));
    expect([statefulSet.code, statefulSet.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(statefulSet.message).toMatch(/^emu cannot read a protobuf StatefulSet of apps\/v1 \(only Namespace, ConfigMap, .*\): send it as application\/json$/);
    const gzip = message(kubernetesBody('v1', 'ConfigMap', (c) => meta(c, 'x'), (u) => u.string(3, 'gzip')));
    expect([gzip.code, gzip.message]).toEqual([415, 'protobuf envelope: content encoding "gzip" is not supported; send the object uncompressed']);
  });
});

describe('the message table', () => {
  it('covers every message its specs refer to and every kind it names', () => {
    // compile() throws at import for a reference to a missing message; this checks the roots too.
    expect(messageNames()).toEqual(Object.keys(MESSAGES));
    for (const root of ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Deployment', 'PodDisruptionBudget', 'Eviction', 'DeleteOptions']) {
      expect(messageNames()).toContain(root);
    }
  });
});
