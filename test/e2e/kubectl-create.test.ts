// kubectl's generator commands against a real emu cluster: kubectl 1.32 sends
// their objects as protobuf, emu decodes them, and `kubectl get -o json` reads
// back what was asked for.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCredentials, type Credentials } from '../../src/api/credentials.ts';
import { downAndCleanup, emu, testHome } from '../helpers/emu-cli.ts';
import { kubectlIn, rawApiRequest, type Kubectl } from '../helpers/kubectl-cluster.ts';
import { kubernetesBody } from '../helpers/protobuf-writer.ts';

const t = testHome('kubectl-create');
let kubectl: Kubectl;
let tls: Credentials;

/** Runs kubectl, expects success and returns stdout. */
async function ok(args: string[]): Promise<string> {
  const result = await kubectl(args);
  expect(result.exitCode, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function getJson(args: string[]): Promise<any> {
  return JSON.parse(await ok(['get', ...args, '-o', 'json']));
}

describe('kubectl create generators (protobuf bodies) against emu', () => {
  beforeAll(async () => {
    const up = await emu(['up'], t.env);
    expect(up.exitCode, up.stderr).toBe(0);
    kubectl = kubectlIn(t);
    tls = await ensureCredentials(`${t.home}/tls`, { cluster: 'kubectl-create' });
    writeFileSync(`${t.home}/tls.crt`, tls.serverCert);
    writeFileSync(`${t.home}/tls.key`, tls.serverKey);
  }, 120_000);
  afterAll(async () => expect(await downAndCleanup(t)).toEqual([]), 120_000);

  it('creates a namespace and a ConfigMap in it', async () => {
    expect(await ok(['create', 'namespace', 'team-a'])).toBe('namespace/team-a created');
    expect((await getJson(['namespace', 'team-a'])).status.phase).toBe('Active');
    expect(await ok(['create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=mode=fast', '--from-literal=empty='])).toBe('configmap/settings created');
    const configMap = await getJson(['configmap', 'settings', '-n', 'team-a']);
    expect([configMap.metadata.namespace, configMap.data]).toEqual(['team-a', { mode: 'fast', empty: '' }]);
  });

  it('creates generic, TLS and docker-registry Secrets with their bytes intact', async () => {
    expect(await ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr3t'])).toBe('secret/creds created');
    const creds = await getJson(['secret', 'creds']);
    expect([creds.type, Buffer.from(creds.data.password, 'base64').toString()]).toEqual(['Opaque', 's3cr3t']);

    expect(await ok(['create', 'secret', 'tls', 'site', `--cert=${t.home}/tls.crt`, `--key=${t.home}/tls.key`])).toBe('secret/site created');
    const site = await getJson(['secret', 'site']);
    expect(site.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(site.data['tls.crt'], 'base64').toString()).toBe(tls.serverCert);
    expect(Buffer.from(site.data['tls.key'], 'base64').toString()).toBe(tls.serverKey);

    expect(await ok(['create', 'secret', 'docker-registry', 'pull', '--docker-server=registry.local', '--docker-username=u', '--docker-password=p'])).toBe('secret/pull created');
    const pull = await getJson(['secret', 'pull']);
    expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
    const auth = JSON.parse(Buffer.from(pull.data['.dockerconfigjson'], 'base64').toString()).auths['registry.local'];
    expect([auth.username, auth.password]).toEqual(['u', 'p']);
  });

  it('creates ClusterIP and headless Services; NodePort meets emu\'s own validation, not a decoding error', async () => {
    expect(await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https'])).toBe('service/web created');
    const web = await getJson(['service', 'web']);
    expect(web.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(web.spec.selector).toEqual({ app: 'web' });
    expect(web.spec.ports.map((p: any) => [p.name, p.port, p.targetPort, p.protocol])).toEqual([['80-8080', 80, 8080, 'TCP'], ['443-https', 443, 'https', 'TCP']]);

    expect(await ok(['create', 'service', 'clusterip', 'peers', '--clusterip=None'])).toBe('service/peers created');
    expect((await getJson(['service', 'peers'])).spec.clusterIP).toBe('None');

    const nodePort = await kubectl(['create', 'service', 'nodeport', 'np', '--tcp=80:8080']);
    expect(nodePort.exitCode).toBe(1);
    expect(nodePort.stderr).toMatch(/^error: failed to create NodePort service: Service "np" is invalid: spec\.type: Invalid value: type NodePort is not supported by emu/);
  });

  it('creates a ServiceAccount', async () => {
    expect(await ok(['create', 'serviceaccount', 'robot'])).toBe('serviceaccount/robot created');
    expect((await getJson(['serviceaccount', 'robot'])).metadata.name).toBe('robot');
  });

  it('creates Deployments with their replicas (including zero), containers and ports', async () => {
    expect(await ok(['create', 'deployment', 'nginx', '--image=nginx', '--replicas=3', '--port=80'])).toBe('deployment.apps/nginx created');
    const nginx = await getJson(['deployment', 'nginx']);
    expect(nginx.spec.replicas).toBe(3);
    expect(nginx.spec.selector).toEqual({ matchLabels: { app: 'nginx' } });
    expect(nginx.spec.template.metadata.labels).toEqual({ app: 'nginx' });
    expect(nginx.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }]);

    expect(await ok(['create', 'deployment', 'idle', '--image=busybox', '--replicas=0', '--', 'sleep', '1d'])).toBe('deployment.apps/idle created');
    const idle = await getJson(['deployment', 'idle']);
    expect(idle.spec.replicas).toBe(0);
    expect(idle.spec.template.spec.containers[0].command).toEqual(['sleep', '1d']);
  });

  it('creates PodDisruptionBudgets with an integer and a percentage', async () => {
    expect(await ok(['create', 'poddisruptionbudget', 'min', '--selector=app=web', '--min-available=1'])).toBe('poddisruptionbudget.policy/min created');
    expect(await ok(['create', 'pdb', 'max', '--selector=app=web', '--max-unavailable=50%'])).toBe('poddisruptionbudget.policy/max created');
    expect((await getJson(['pdb', 'min'])).spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect((await getJson(['pdb', 'max'])).spec).toEqual({ maxUnavailable: '50%', selector: { matchLabels: { app: 'web' } } });
  });

  it('honours --dry-run=server and refuses a duplicate', async () => {
    expect(await ok(['create', 'configmap', 'draft', '--from-literal=a=b', '--dry-run=server'])).toBe('configmap/draft created (server dry run)');
    expect((await kubectl(['get', 'configmap', 'draft'])).stderr).toBe('Error from server (NotFound): configmaps "draft" not found');
    const again = await kubectl(['create', 'serviceaccount', 'robot']);
    expect([again.exitCode, again.stderr]).toEqual([1, 'error: failed to create serviceaccount: serviceaccounts "robot" already exists']);
  });

  it('drains the node with --disable-eviction (pods deleted with protobuf DeleteOptions)', async () => {
    await ok(['run', 'lonely', '--image=nginx']);
    await ok(['wait', '--for=condition=Ready', 'pod/lonely', '--timeout=120s']);
    // Only this pod: the test's Deployments may get pods of their own once emu runs them.
    const drained = await ok(['drain', 'emu', '--pod-selector=run=lonely', '--disable-eviction', '--force', '--ignore-daemonsets', '--timeout=120s']);
    expect(drained).toMatch(/pod\/lonely deleted\nnode\/emu drained$/);
    expect((await kubectl(['get', 'pod', 'lonely'])).stderr).toBe('Error from server (NotFound): pods "lonely" not found');
    await ok(['uncordon', 'emu']);
  });

  it('answers a corrupted protobuf body with 400 and keeps serving', async () => {
    const body = kubernetesBody('v1', 'ConfigMap', (c) => c.message(1, (m) => m.string(1, 'broken')).entry(2, 'k', 'v'));
    const corrupted = Buffer.from(body);
    corrupted[corrupted.length - 5] = 0x7f; // the data key's length now runs past its map entry
    const answer = await rawApiRequest(kubectl, 'POST', '/api/v1/namespaces/default/configmaps', corrupted, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(answer.json.message).toMatch(/^ConfigMap in version "v1" cannot be handled as a ConfigMap: protobuf: length 127 runs past the end of the data at byte \d+ \(data\)$/);
    expect((await kubectl(['get', 'configmap', 'broken'])).exitCode).toBe(1);
    expect(await ok(['create', 'configmap', 'after', '--from-literal=still=serving'])).toBe('configmap/after created');
  });

  it("shows emu's warnings for what it does not emulate, as kubectl shows a real server's", async () => {
    const file = `${t.home}/warned.yaml`;
    const manifest = (extra: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: warned}
spec:
  replicas: 0
  serviceName: warned
  selector: {matchLabels: {app: warned}}
  template:
    metadata: {labels: {app: warned}}
    spec:${extra}
      containers:
      - {name: c, image: busybox, resources: {requests: {cpu: 100m}}}
`;
    writeFileSync(file, manifest(''));
    const created = await kubectl(['apply', '-f', file]);
    expect([created.exitCode, created.stdout]).toEqual([0, 'statefulset.apps/warned created']);
    expect(created.stderr).toBe('Warning: spec.template.spec.containers[0].resources: not emulated by emu; ignored');
    writeFileSync(file, manifest('\n      priorityClassName: high'));
    const patched = await kubectl(['apply', '-f', file]);
    expect([patched.exitCode, patched.stderr]).toEqual([0, 'Warning: spec.template.spec.priorityClassName: not emulated by emu; ignored']);
    expect((await kubectl(['apply', '-f', file])).stderr).toBe('');
  });
});
