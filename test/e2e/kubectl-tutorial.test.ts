// The Kubernetes docs' StatefulSet tutorial driven end to end with the real
// kubectl (v1.32, through the machine's dispatcher), as the docs write it.
import { spawn } from 'node:child_process';
import { copyFileSync, chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downAndCleanup, emu, ROOT, testHome } from '../helpers/emu-cli.ts';
import { deleteWebPods, kubectlIn, podsOf, untilOutput, type Kubectl } from '../helpers/kubectl-cluster.ts';

const t = testHome('kubectl');
const WEB = `${ROOT}scenarios/manifests/web.yaml`;
let kubectl: Kubectl;

describe('the StatefulSet tutorial with the real kubectl', () => {
  beforeAll(async () => {
    const up = await emu(['up'], t.env);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('Set kubectl context to "emu-kubectl"');
    kubectl = kubectlIn(t);
  }, 120_000);
  afterAll(async () => expect(await downAndCleanup(t)).toEqual([]), 120_000);

  it('sees one Ready node and answers /version as v1.32', async () => {
    const nodes = await kubectl(['get', 'nodes']);
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nemu\s+Ready\s+control-plane\s+\S+\s+v1\.32\.0-emu$/);
    expect(JSON.parse((await kubectl(['version', '-o', 'json'])).stdout).serverVersion.minor).toBe('32');
  });

  it('creates the pods in order, watched with kubectl get pods -w -l app=nginx', async () => {
    const watch = spawn('kubectl', ['get', 'pods', '-w', '-l', 'app=nginx'], { env: kubectl.env });
    let seen = '';
    watch.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    try {
      const applied = await kubectl(['apply', '-f', WEB]);
      expect(applied.stdout).toBe('service/nginx created\nstatefulset.apps/web created');
      await untilOutput(() => seen, /web-1\s+1\/1\s+Running/);
    } finally {
      watch.kill();
    }
    const lines = seen.split('\n');
    const web0Running = lines.findIndex((l) => /^web-0\s+1\/1\s+Running/.test(l));
    const web1First = lines.findIndex((l) => /^web-1\s/.test(l));
    expect(web0Running).toBeGreaterThan(0);
    expect(web1First).toBeGreaterThan(web0Running); // web-1 appears only after web-0 is Running and Ready
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  });

  it('shows the columns kubectl shows for a real cluster', async () => {
    expect((await kubectl(['get', 'pods'])).stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect((await kubectl(['get', 'pods', '-o', 'wide'])).stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect((await kubectl(['get', 'sts'])).stdout).toMatch(/^NAME\s+READY\s+AGE\nweb\s+2\/2\s+\S+$/);
    const pvc = (await kubectl(['get', 'pvc', '-o', 'wide'])).stdout.split('\n');
    expect(pvc[0]).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\s+VOLUMEMODE$/);
    expect(pvc[1]).toMatch(/^www-web-0\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+standard\s+<unset>\s+\S+\s+Filesystem$/);
  });

  it('runs hostname in each pod with kubectl exec, finds each by DNS, and passes exit codes through', async () => {
    for (const i of [0, 1]) expect((await kubectl(['exec', `web-${i}`, '--', 'sh', '-c', 'hostname'])).stdout).toBe(`web-${i}`);
    const lookup = await kubectl(['exec', 'web-0', '--', 'nslookup', 'web-1.nginx']);
    expect(lookup.stdout).toMatch(/Name:\s+web-1\.nginx\.default\.svc\.cluster\.local\nAddress: 10\.244\.\d+\.\d+/);
    const failed = await kubectl(['exec', 'web-0', '--', 'sh', '-c', 'exit 7']);
    expect(failed.exitCode).toBe(7);
  });

  it('looks web-0.nginx up from an interactive shell: kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm', async () => {
    // A real terminal for kubectl (script gives it one), typed into only once the shell's prompt is there.
    const session = spawn('script', ['-qfec', 'kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm', '/dev/null'], { env: kubectl.env });
    let seen = '';
    session.stdout.on('data', (d: Buffer) => (seen += d.toString().replace(/\r/g, '')));
    const ended = new Promise<number | null>((resolve) => session.on('exit', resolve));
    try {
      await untilOutput(() => seen, /\n# $/);
      session.stdin.write('nslookup web-0.nginx; hostname\n');
      await untilOutput(() => seen, /\ndns-test\n/);
      session.stdin.write('exit\n');
      expect(await ended).toBe(0);
    } finally {
      session.kill();
    }
    expect(seen).toMatch(/Name:\s+web-0\.nginx\.default\.svc\.cluster\.local\nAddress: 10\.244\.\d+\.\d+/);
    expect(seen).toContain('pod "dns-test" deleted');
    expect((await kubectl(['get', 'pod', 'dns-test'])).stderr).toContain('pods "dns-test" not found');
  });

  it('recreates deleted pods with the same names and new IPs (kubectl delete pod -l app=nginx)', async () => {
    await deleteWebPods(kubectl);
  });

  it('scales up with kubectl scale and down with kubectl patch', async () => {
    await kubectl(['scale', 'sts', 'web', '--replicas=5']);
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=120s']);
    expect((await podsOf(kubectl, 'app=nginx')).map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    expect((await kubectl(['patch', 'sts', 'web', '-p', '{"spec":{"replicas":3}}'])).stdout).toBe('statefulset.apps/web patched');
    await kubectl(['wait', '--for=delete', 'pod/web-4', 'pod/web-3', '--timeout=120s']);
    expect((await podsOf(kubectl, 'app=nginx')).map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
    // The claims of the scaled-away ordinals stay.
    expect((await kubectl(['get', 'pvc', '-o', 'name'])).stdout.split('\n')).toContain('persistentvolumeclaim/www-web-4');
  });

  it('rolls out a new image from the highest ordinal down, staged with a partition, then with OnDelete', async () => {
    const image = (pods: any[]) => pods.map((p) => p.spec.containers[0].image);
    // Staging: with partition 3 no pod (ordinals 0–2) is updated.
    await kubectl(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":3}}}}']);
    await kubectl(['patch', 'statefulset', 'web', '--type=json', '-p', '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.24"}]']);
    expect(image(await podsOf(kubectl, 'app=nginx'))).toEqual(Array(3).fill('registry.k8s.io/nginx-slim:0.21'));
    // Canary: partition 2 updates web-2 only.
    await kubectl(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}']);
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=120s']);
    expect(image(await podsOf(kubectl, 'app=nginx'))).toEqual(['registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.24']);
    // Phased roll out: partition 0 updates the rest.
    await kubectl(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}}}}']);
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=120s']);
    expect(image(await podsOf(kubectl, 'app=nginx'))).toEqual(Array(3).fill('registry.k8s.io/nginx-slim:0.24'));
    // OnDelete: a template change waits until a pod is deleted.
    await kubectl(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}']);
    await kubectl(['patch', 'statefulset', 'web', '--type=json', '-p', '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.21"}]']);
    expect(image(await podsOf(kubectl, 'app=nginx'))).toEqual(Array(3).fill('registry.k8s.io/nginx-slim:0.24'));
    await kubectl(['delete', 'pod', 'web-0']);
    await kubectl(['wait', '--for=condition=Ready', 'pod/web-0', '--timeout=120s']);
    expect(image(await podsOf(kubectl, 'app=nginx'))[0]).toBe('registry.k8s.io/nginx-slim:0.21');
  });

  it('follows logs, serves a port-forward on the host, and refuses another local user holding a copy of the kubeconfig', async () => {
    await kubectl(['exec', 'web-0', '--', 'sh', '-c', 'echo page-of-web-0 > /usr/share/nginx/html/index.html']);
    const forward = spawn('kubectl', ['port-forward', 'web-0', '18090:80'], { env: kubectl.env });
    try {
      let out = '';
      forward.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await untilOutput(() => out, /Forwarding from 127\.0\.0\.1:18090 -> 80/);
      const page = await new Promise<string>((resolve, reject) => request('http://127.0.0.1:18090/', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', reject).end());
      expect(page).toBe('page-of-web-0\n');
    } finally {
      forward.kill();
    }
    const follow = spawn('kubectl', ['logs', '-f', 'web-0'], { env: kubectl.env });
    let logged = '';
    follow.stdout.on('data', (d: Buffer) => (logged += d.toString()));
    try {
      await kubectl(['exec', 'web-0', '--', 'curl', '-s', '-o', '/dev/null', 'http://localhost/followed-request']);
      await untilOutput(() => logged, /GET \/followed-request/);
    } finally {
      follow.kill();
    }

    const dir = mkdtempSync('/var/tmp/emu-test-other-user-');
    try {
      const copy = `${dir}/config`;
      copyFileSync(kubectl.env.KUBECONFIG, copy);
      chownSync(dir, 65534, 65534);
      chownSync(copy, 65534, 65534);
      chmodSync(copy, 0o600);
      const asNobody = (args: string[]) => execa('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'kubectl', ...args], { env: { HOME: dir, KUBECONFIG: copy, PATH: process.env.PATH! }, extendEnv: false, reject: false });
      const other = await asNobody(['get', 'pods']);
      expect(other.exitCode).toBe(1);
      expect(other.stderr).toMatch(/Error from server \(Forbidden\)/); // kubectl's discovery hides the message …
      const raw = await asNobody(['get', '--raw', '/api/v1/namespaces/default/pods']);
      expect(raw.exitCode).toBe(1);
      expect(raw.stderr).toBe('Error from server (Forbidden): forbidden: this emu cluster belongs to local user "root"; connections from uid 65534 are refused'); // … a plain request shows it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes the StatefulSet with kubectl, keeping its claims', async () => {
    expect((await kubectl(['delete', 'statefulset', 'web'])).stdout).toBe('statefulset.apps "web" deleted');
    await kubectl(['wait', '--for=delete', 'pod', '-l', 'app=nginx', '--timeout=120s']);
    expect((await kubectl(['get', 'pods'])).stderr).toBe('No resources found in default namespace.');
    expect((await kubectl(['get', 'pvc', '-o', 'name'])).stdout.split('\n')).toEqual(['www-web-0', 'www-web-1', 'www-web-2', 'www-web-3', 'www-web-4'].map((n) => `persistentvolumeclaim/${n}`));
  });
});
