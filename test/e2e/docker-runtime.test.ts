// The Docker runtime end to end: the Kubernetes docs' StatefulSet tutorial with
// the real kubectl on real containers, a pod's semantics checked from inside the
// node, and no container left after down, Ctrl-C or emu being killed. Skips,
// saying why, where there is no Docker daemon or its images are not built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRuntimeClient } from 'testcontainers';
import { daemonInfo, downAndCleanup, emu, leftovers, ROOT, testHome, until } from '../helpers/emu-cli.ts';
import { dockerForTests, dockerLeftovers } from '../helpers/docker.ts';
import { deleteWebPods, kubectlIn, podsOf, type Kubectl } from '../helpers/kubectl-cluster.ts';

const docker = await dockerForTests(['nginx', 'busybox']);
const client = docker.client as ContainerRuntimeClient;
const skipped = docker.client ? '' : ` (skipped: ${docker.skipReason})`;
const WEB = `${ROOT}scenarios/manifests/web.yaml`;

describe.skipIf(!docker.client)(`the StatefulSet tutorial on the Docker runtime with the real kubectl${skipped}`, () => {
  // Made in beforeAll, so a skipped suite leaves no home behind.
  let t: ReturnType<typeof testHome>;
  let kubectl: Kubectl;

  beforeAll(async () => {
    t = testHome('docker-kubectl');
    const up = await emu(['up', '--runtime', 'docker'], t.env);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('(runtime: docker)');
    kubectl = kubectlIn(t);
  }, 120_000);
  afterAll(async () => {
    expect(await downAndCleanup(t)).toEqual([]);
    expect(await dockerLeftovers(client, t.home)).toEqual([]);
  }, 120_000);

  it('shows the runtime on the node, and a running cluster refuses the other runtime', async () => {
    expect((await kubectl(['get', 'nodes', '-o', 'wide'])).stdout).toMatch(/\nemu\s+Ready\s.*\sdocker:\/\/\S+$/);
    const other = await emu(['up', '--runtime', 'native', '--no-kubeconfig'], t.env);
    expect(other.exitCode).toBe(1);
    expect(other.stderr.trim()).toBe(`error: cluster "${t.cluster}" is running on the docker runtime, not native: stop it with emu down first, or use another cluster (emu --cluster NAME …)`);
    // Without a choice, a command uses the cluster's own runtime.
    expect((await emu(['up', '--no-kubeconfig'], t.env)).stdout).toContain('(runtime: docker)');
  });

  it('creates the pods in order as real containers, named after the pod as a node names them', async () => {
    expect((await kubectl(['apply', '-f', WEB])).stdout).toBe('service/nginx created\nstatefulset.apps/web created');
    await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=120s']);
    const pods = await podsOf(kubectl, 'app=nginx');
    expect(pods.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    // OrderedReady: web-1 was created only once web-0 was Ready.
    const ready0 = pods[0].status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime;
    expect(Date.parse(pods[1].metadata.creationTimestamp)).toBeGreaterThanOrEqual(Date.parse(ready0));
    const names = await dockerLeftovers(client, t.home);
    for (const pod of pods) {
      expect(names).toContain(`/k8s_POD_web-${pod.metadata.name.at(-1)}_default_${pod.metadata.uid}_0`);
      expect(names).toContain(`/k8s_nginx_${pod.metadata.name}_default_${pod.metadata.uid}_0`);
    }
  });

  it('runs hostname in each pod, finds each by DNS, and passes exit codes through', async () => {
    for (const i of [0, 1]) expect((await kubectl(['exec', `web-${i}`, '--', 'sh', '-c', 'hostname'])).stdout).toBe(`web-${i}`);
    const pods = await podsOf(kubectl, 'app=nginx');
    const lookup = await kubectl(['exec', 'web-0', '--', 'getent', 'hosts', 'web-1.nginx']);
    expect(lookup.stdout.split(/\s+/)[0]).toBe(pods[1].status.podIP);
    expect((await kubectl(['exec', 'web-0', '--', 'sh', '-c', 'exit 7'])).exitCode).toBe(7);
    expect((await kubectl(['exec', '-i', 'web-1', '--', 'cat'])).exitCode).toBe(0);
  });

  it('recreates deleted pods with the same names, new IPs, and the same volumes', async () => {
    for (const i of [0, 1]) await kubectl(['exec', `web-${i}`, '--', 'sh', '-c', `echo web-${i} > /usr/share/nginx/html/index.html`]);
    const { before } = await deleteWebPods(kubectl);
    for (const i of [0, 1]) expect((await kubectl(['exec', `web-${i}`, '--', 'cat', '/usr/share/nginx/html/index.html'])).stdout).toBe(`web-${i}`);
    // The old incarnations' containers are gone from the daemon.
    const names = await dockerLeftovers(client, t.home);
    for (const pod of before) expect(names.filter((n) => n.includes(pod.metadata.uid))).toEqual([]);
  });
});

describe.skipIf(!docker.client)(`a pod on the Docker runtime, from inside the node${skipped}`, () => {
  let t: ReturnType<typeof testHome>;
  beforeAll(() => void (t = testHome('docker-pod')));
  afterAll(() => t.cleanup());

  it('has the pod semantics of the native runtime, and leaves no container behind', async () => {
    const run = await emu(['run', `${ROOT}test/e2e/fixtures/docker-pod.ts`, '--runtime', 'docker'], { EMU_HOME: t.env.EMU_HOME, EMU_TIME_SCALE: '0.01' }, { timeoutMs: 300_000 });
    expect(run.stdout.split('\n').at(-1), run.stdout + run.stderr).toBe('PASS: 10 passed, 0 failed');
    expect(await leftovers(t.home)).toEqual([]);
    expect(await dockerLeftovers(client, t.home)).toEqual([]);
  }, 300_000);
});

describe.skipIf(!docker.client)(`containers of a killed emu${skipped}`, () => {
  let t: ReturnType<typeof testHome>;
  beforeAll(() => void (t = testHome('docker-killed')));
  afterAll(async () => {
    expect(await downAndCleanup(t)).toEqual([]);
    expect(await dockerLeftovers(client, t.home)).toEqual([]);
  }, 120_000);

  it('are removed by the next start (and by emu down)', async () => {
    const applied = await emu(['apply', '-f', WEB, '--runtime', 'docker', '--wait'], t.env, { timeoutMs: 180_000 });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const before = await dockerLeftovers(client, t.home);
    expect(before.length).toBe(4);
    process.kill(daemonInfo(t.home, t.cluster).nodePid, 'SIGKILL');
    await until('the node to be gone', async () => ((await leftovers(t.home, 0)).some((p) => p.includes('__daemon')) ? undefined : true));
    // Docker's containers do not live in the node: they are still there…
    expect(await dockerLeftovers(client, t.home)).toEqual(before);
    // …until the cluster starts again (its StatefulSet is gone with the node's API store, and so are they).
    expect((await emu(['up', '--no-kubeconfig', '--runtime', 'docker'], t.env)).exitCode).toBe(0);
    expect(await dockerLeftovers(client, t.home)).toEqual([]);
  }, 240_000);
});
