// Deployments, ReplicaSets and bare Pods with real pods, through emu's CLI and the real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downAndCleanup, emu, ROOT, testHome } from '../helpers/emu-cli.ts';
import { kubectlFor, watchPods, type ClusterKubectl, type PodWatchEvent } from '../helpers/kubectl.ts';

const t = testHome('deploy');
// Crash-loop back-off in tenths of a second, so OnFailure restarts come quickly.
const env = { ...t.env, EMU_TIME_SCALE: '0.02' };
const FIXTURES = `${ROOT}test/e2e/fixtures`;
const POD_NAME = /^nginx-([bcdfghjklmnpqrstvwxz2456789]{1,10})-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
let kubectl: ClusterKubectl;

const json = async (args: string[]) => JSON.parse((await kubectl.run([...args, '-o', 'json'])).stdout);
const nginxPods = async () => ((await json(['get', 'pods', '-l', 'app=nginx'])).items as any[]).filter((p) => !p.metadata.deletionTimestamp);
const hashOf = (name: string) => POD_NAME.exec(name)?.[1];

/** Pods not being deleted that are Ready, after each event: the count a rolling update must keep up. */
function readyCounts(events: PodWatchEvent[]): { ready: number[]; live: number[] } {
  const state = new Map<string, PodWatchEvent>();
  const ready: number[] = [];
  const live: number[] = [];
  for (const e of events) {
    if (e.type === 'DELETED') state.delete(e.name);
    else state.set(e.name, e);
    const current = [...state.values()].filter((p) => !p.terminating);
    ready.push(current.filter((p) => p.ready).length);
    live.push(current.length);
  }
  return { ready, live };
}

async function rolledOut(): Promise<void> {
  const status = await kubectl.run(['rollout', 'status', 'deployment/nginx', '--timeout=120s']);
  expect(status.stdout).toContain('deployment "nginx" successfully rolled out');
}

beforeAll(async () => {
  const applied = await emu(['apply', '-f', `${FIXTURES}/nginx-deployment.yaml`], env);
  expect(applied.stdout.split('\n')).toEqual(['persistentvolumeclaim/shared-html created', 'service/nginx created', 'deployment.apps/nginx created']);
  kubectl = await kubectlFor({ home: t.home, env });
});
afterAll(async () => {
  expect(await downAndCleanup(t)).toEqual([]);
});

describe('Deployments', () => {
  it('runs 3 replicas named <deployment>-<template hash>-<5 random>, all mounting the one shared claim', async () => {
    await kubectl.run(['wait', '--for=jsonpath={.status.phase}=Running', 'pod', '-l', 'app=nginx', '--timeout=60s']);
    const pods = await nginxPods();
    expect(pods).toHaveLength(3);
    const [rs] = (await json(['get', 'rs', '-l', 'app=nginx'])).items;
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(POD_NAME);
      expect(hashOf(pod.metadata.name)).toBe(rs.metadata.labels['pod-template-hash']);
      expect(pod.metadata.labels['pod-template-hash']).toBe(rs.metadata.labels['pod-template-hash']);
      expect(pod.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
      expect(pod.metadata.labels).not.toHaveProperty('apps.kubernetes.io/pod-index');
    }
    expect(rs.metadata.name).toBe(`nginx-${rs.metadata.labels['pod-template-hash']}`);
    // One replica writes into the shared claim; another serves it (and all become Ready: nginx has a page now).
    const [writer, reader] = pods.map((p) => p.metadata.name);
    await kubectl.run(['exec', writer, '--', 'sh', '-c', 'hostname > /usr/share/nginx/html/index.html']);
    expect((await kubectl.run(['exec', reader, '--', 'curl', '-s', 'http://localhost/'])).stdout).toBe(writer);
    await rolledOut();
    const wide = (await emu(['get', 'pods', '-o', 'wide', '-l', 'app=nginx'], env)).stdout.split('\n').slice(1);
    expect(new Set(wide.map((line) => line.split(/\s+/).at(-1)))).toEqual(new Set([`${t.home}/clusters/deploy/volumes/default/shared-html`]));
  });

  it('shows Deployments and ReplicaSets with emu get deploy,rs and kubectl', async () => {
    const both = (await emu(['get', 'deploy,rs'], env)).stdout.split('\n');
    expect(both[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(both[1]).toMatch(/^deployment\.apps\/nginx\s+3\/3\s+3\s+3\s+\S+$/);
    expect(both[3].split(/\s{2,}/)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(both[4]).toMatch(/^replicaset\.apps\/nginx-\w+\s+3\s+3\s+3\s+\S+$/);
    expect((await kubectl.run(['get', 'deploy', 'nginx'])).stdout).toMatch(/^nginx\s+3\/3\s+3\s+3\s+\S+$/m);
  });

  it('rolls out a new image with maxSurge 1 / maxUnavailable 0: never fewer than 3 Ready pods, never more than 4', async () => {
    const before = hashOf((await nginxPods())[0].metadata.name);
    const watch = watchPods(kubectl, 'app=nginx');
    await watch.seen((events) => events.filter((e) => e.ready).length >= 3);
    expect((await kubectl.run(['set', 'image', 'deployment/nginx', 'nginx=nginx:1.26'])).stdout).toBe('deployment.apps/nginx image updated');
    await rolledOut();
    await watch.seen((events) => readyCounts(events).ready.at(-1) === 3 && readyCounts(events).live.at(-1) === 3 && events.some((e) => hashOf(e.name) !== before));
    await watch.stop();
    const { ready, live } = readyCounts(watch.events);
    const fromStart = ready.slice(ready.indexOf(3));
    expect(Math.min(...fromStart)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...live)).toBeLessThanOrEqual(4);
    const after = await nginxPods();
    expect(after.map((p) => hashOf(p.metadata.name))).toEqual([expect.any(String), expect.any(String), expect.any(String)]);
    expect(after.every((p) => hashOf(p.metadata.name) !== before && p.spec.containers[0].image === 'nginx:1.26')).toBe(true);
    // The old ReplicaSet stays (scaled to 0) as revision 1.
    const history = await kubectl.run(['rollout', 'history', 'deployment/nginx']);
    expect(history.stdout.split('\n').map((l) => l.trim())).toEqual(['deployment.apps/nginx', 'REVISION  CHANGE-CAUSE', '1         <none>', '2         <none>', '']);
  });

  it('kubectl rollout undo brings back revision 1 as revision 3, on the old ReplicaSet', async () => {
    const sets = async () => ((await json(['get', 'rs', '-l', 'app=nginx'])).items as any[]).map((rs) => `${rs.metadata.name}=${rs.spec.replicas}@${rs.metadata.annotations['deployment.kubernetes.io/revision']}`).sort();
    const [first] = (await sets()).filter((s) => s.endsWith('@1'));
    expect((await kubectl.run(['rollout', 'undo', 'deployment/nginx'])).stdout).toBe('deployment.apps/nginx rolled back');
    await rolledOut();
    expect(await sets()).toContain(first.replace('=0@1', '=3@3'));
    expect((await sets()).length).toBe(2);
    const image = (await json(['get', 'deployment', 'nginx'])).spec.template.spec.containers[0].image;
    expect(image).toBe('nginx:1.25');
    expect((await kubectl.run(['rollout', 'history', 'deployment/nginx'])).stdout).toMatch(/^2\s+<none>\n3\s+<none>$/m);
  });

  it('kubectl rollout restart replaces every pod with the same template, stamped with restartedAt', async () => {
    const before = (await nginxPods()).map((p) => p.metadata.name);
    expect((await kubectl.run(['rollout', 'restart', 'deployment/nginx'])).stdout).toBe('deployment.apps/nginx restarted');
    await rolledOut();
    const after = await nginxPods();
    expect(after.some((p) => before.includes(p.metadata.name))).toBe(false);
    expect(after[0].metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(after[0].spec.containers[0].image).toBe('nginx:1.25');
  });

  it('emu rollout history, undo, status and emu scale deployment work the same way', async () => {
    const history = await emu(['rollout', 'history', 'deployment/nginx'], env);
    expect(history.stdout).toBe('deployment.apps/nginx \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n4         <none>\n');
    const shown = await emu(['rollout', 'history', 'deployment/nginx', '--revision', '2'], env);
    expect(shown.stdout).toMatch(/^deployment\.apps\/nginx with revision #2\nPod Template:\n/);
    expect(shown.stdout).toMatch(/Image:\s+nginx:1\.26/);
    expect((await emu(['rollout', 'undo', 'deployment', 'nginx', '--to-revision', '2'], env)).stdout).toBe('deployment.apps/nginx rolled back');
    const status = await emu(['rollout', 'status', 'deployment/nginx', '--timeout', '120s'], env);
    expect(status.stdout.split('\n').at(-1)).toBe('deployment "nginx" successfully rolled out');
    expect((await emu(['scale', 'deployment', 'nginx', '--replicas', '2'], env)).stdout).toBe('deployment.apps/nginx scaled');
    await emu(['rollout', 'status', 'deployment/nginx'], env);
    const pods = await nginxPods();
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:1.26')).toBe(true);
  });

  it('refuses bad rollout requests with one line and exit code 1', async () => {
    const missing = await emu(['rollout', 'undo', 'deployment/nginx', '--to-revision', '99'], env);
    expect([missing.exitCode, missing.stderr]).toEqual([1, 'error: unable to find specified revision 99 in history']);
    const pod = await emu(['rollout', 'status', 'pod/whatever'], env);
    expect([pod.exitCode, pod.stderr]).toEqual([1, 'error: pods is not rollable: emu rolls out deployments and statefulsets']);
    const bad = await emu(['rollout', 'undo', 'deployment/nginx', '--to-revision', 'two'], env);
    expect([bad.exitCode, bad.stderr]).toEqual([1, 'error: --to-revision must be a revision number (0 or more), got "two"']);
  });

  it('Recreate: every old pod is gone before the first new one is created', async () => {
    await kubectl.run(['patch', 'deployment', 'nginx', '--type', 'merge', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}']);
    const before = new Set((await nginxPods()).map((p) => p.metadata.name));
    const watch = watchPods(kubectl, 'app=nginx');
    await watch.seen((events) => events.length >= before.size);
    await kubectl.run(['set', 'image', 'deployment/nginx', 'nginx=nginx:1.27']);
    await rolledOut();
    await watch.seen((events) => events.filter((e) => e.type === 'DELETED').length >= before.size && events.some((e) => !before.has(e.name) && e.ready));
    await watch.stop();
    const lastOldGone = Math.max(...watch.events.flatMap((e, i) => (e.type === 'DELETED' && before.has(e.name) ? [i] : [])));
    const firstNew = watch.events.findIndex((e) => !before.has(e.name));
    expect(lastOldGone).toBeGreaterThan(0);
    expect(firstNew).toBeGreaterThan(lastOldGone);
  });
});

describe('kubectl rollout undo for a StatefulSet', () => {
  it('restores the template of the previous ControllerRevision', async () => {
    // The tutorial's set has the same labels and Service name as the Deployment above: that goes first.
    expect((await kubectl.run(['delete', 'deployment/nginx', 'service/nginx'])).exitCode).toBe(0);
    await kubectl.run(['wait', '--for=delete', 'pod', '-l', 'app=nginx', '--timeout=60s']);
    await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait'], env);
    const revision = async () => (await json(['get', 'sts', 'web'])).status.updateRevision as string;
    const original = await revision();
    await kubectl.run(['set', 'image', 'statefulset/web', 'nginx=nginx:1.26']);
    expect((await kubectl.run(['rollout', 'status', 'statefulset/web', '--timeout=120s'])).exitCode).toBe(0);
    expect(await revision()).not.toBe(original);
    expect((await kubectl.run(['rollout', 'undo', 'statefulset/web'])).stdout).toBe('statefulset.apps/web rolled back');
    await emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--wait'], env);
    expect(await revision()).toBe(original);
    const web = (await json(['get', 'pods'])).items.filter((p: any) => /^web-\d$/.test(p.metadata.name));
    expect(web.map((p: any) => [p.metadata.name, p.metadata.labels['controller-revision-hash'], p.spec.containers[0].image])).toEqual([
      ['web-0', original, 'registry.k8s.io/nginx-slim:0.21'],
      ['web-1', original, 'registry.k8s.io/nginx-slim:0.21'],
    ]);
    expect((await kubectl.run(['rollout', 'history', 'statefulset/web'])).stdout).toMatch(/^2\s+<none>\n3\s+<none>$/m);
  });
});

describe('bare Pods', () => {
  it('kubectl run -i --rm --restart=Never prints the output, passes the exit code and removes the pod', async () => {
    const hi = await kubectl.run(['run', '-i', '--rm', '--restart=Never', '--image=busybox:1.28', 'x', '--', 'sh', '-c', 'echo hi']);
    expect([hi.exitCode, hi.stdout]).toEqual([0, 'hi\npod "x" deleted']);
    const failing = await kubectl.run(['run', '-i', '--rm', '--restart=Never', '--image=busybox:1.28', 'y', '--', 'sh', '-c', 'echo bad; exit 3']);
    expect([failing.exitCode, failing.stdout]).toEqual([3, 'bad\npod "y" deleted']);
    expect((await kubectl.run(['get', 'pod', 'x'])).stderr).toBe('Error from server (NotFound): pods "x" not found');
  });

  it('restartPolicy Never and OnFailure: Succeeded shows Completed, Failed shows Error, OnFailure restarts until success', async () => {
    expect((await kubectl.run(['apply', '-f', `${FIXTURES}/bare-pods.yaml`])).exitCode).toBe(0);
    const phase = (name: string, want: string) => kubectl.run(['wait', `--for=jsonpath={.status.phase}=${want}`, `pod/${name}`, '--timeout=60s']);
    expect((await phase('never-ok', 'Succeeded')).exitCode).toBe(0);
    expect((await phase('never-fails', 'Failed')).exitCode).toBe(0);
    expect((await phase('onfailure-retries', 'Succeeded')).exitCode).toBe(0);
    const table = (await kubectl.run(['get', 'pods', 'never-ok', 'never-fails', 'onfailure-retries'])).stdout.split('\n').slice(1).map((l) => l.split(/\s{2,}/).slice(0, 4));
    expect(table).toEqual([
      ['never-ok', '0/1', 'Completed', '0'],
      ['never-fails', '0/1', 'Error', '0'],
      ['onfailure-retries', '0/1', 'Completed', expect.stringMatching(/^1 \(.+ ago\)$/)],
    ]);
    expect((await kubectl.run(['logs', 'onfailure-retries'])).stdout).toBe('second run');
    const emuTable = (await emu(['get', 'pods', 'never-fails'], env)).stdout;
    expect(emuTable).toMatch(/^never-fails\s+0\/1\s+Error\s+0\s+/m);
  });
});
