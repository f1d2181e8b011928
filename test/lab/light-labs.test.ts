// Labs 02–06, 10 and 11 walked from their READMEs, one after another on one
// fresh cluster (their objects have distinct names, so they share it): before
// each section `emu lab check NN` shows ✗ with a hint naming what to do, after
// it ✓; one mistake participants really make per lab is caught with a hint
// pointing at it.
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emu-cli.ts';
import { labCluster, verdicts, walkLab } from '../helpers/lab.ts';
import { pollUntil } from '../../src/util/deadline.ts';

// Crash-loop back-off in tenths of a second: lab 05's restarted container comes back quickly.
const shell = labCluster('labs', { env: { EMU_TIME_SCALE: '0.05' } });
const lab = (id: string, dir: string) => walkLab(shell, id, `${ROOT}labs/${dir}/README.md`);

describe('lab 02: Deployment or StatefulSet', () => {
  const l = lab('02', '02-deployment-vs-statefulset');

  it('before anything every step is ✗, the first says to apply stateless.yaml', async () => {
    await l.expectNothingDone('emu apply -f labs/02-deployment-vs-statefulset/stateless.yaml --wait');
  });

  it('sections 1 and 2: the same nginx both ways, names and DNS differ', async () => {
    await l.step('emu apply -f labs/02-deployment-vs-statefulset/stateless.yaml --wait');
    await l.step('emu apply -f labs/02-deployment-vs-statefulset/stateful.yaml --wait');
    expect(await l.step('emu get pvc')).toMatch(/stateless-html\s+Bound/);
    expect(await l.step('emu exec stateful-0 -- getent hosts stateful-1.stateful')).toMatch(/^10\.244\./);
    expect(await l.step('emu exec stateful-0 -- getent hosts stateless')).toMatch(/^10\.96\./);
  });

  it('a wrong step — the stateful page written only in stateful-0 — is caught: the claims are not shared', async () => {
    expect((await shell.run(`emu exec stateful-0 -- sh -c 'hostname > /usr/share/nginx/html/index.html'`)).exitCode).toBe(0);
    const caught = await l.check();
    expect(verdicts(caught.steps)).toBe('✓✓✗✗✗');
    expect(caught.steps[2].hint).toContain('the claim stateless-html has no page yet');
    expect(caught.steps[3].hint).toContain('html-stateful-1 has no page: the one you wrote in stateful-0 lives in html-stateful-0 only');
  });

  it('section 3: one shared page, one page each', async () => {
    await l.step(`for p in $(emu get pods -l app=stateless -o name); do emu exec \${p#pod/} -- sh -c 'hostname > /usr/share/nginx/html/index.html'; done`);
    const served = (await l.step(`for p in $(emu get pods -l app=stateless -o name); do emu exec \${p#pod/} -- curl -s localhost; done`)).split('\n');
    expect(served).toHaveLength(2);
    expect(served[0]).toBe(served[1]);
    await l.step(`for i in 0 1; do emu exec stateful-$i -- sh -c 'hostname > /usr/share/nginx/html/index.html'; done`);
    expect(await l.step('for i in 0 1; do emu exec stateful-$i -- curl -s localhost; done')).toBe('stateful-0\nstateful-1');
  });

  it('section 4: replaced under a new name, recreated under the same one; every step ✓', async () => {
    await l.step('emu delete $(emu get pods -l app=stateless -o name | head -n 1)');
    await l.step('emu delete pod stateful-1');
    await l.waitReady('stateless', 2);
    await l.waitReady('stateful', 2);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓✓']);
  });
});

describe('lab 03: Service vs headless Service', () => {
  const l = lab('03', '03-service-vs-headless');

  it('before: ✗ with the apply command', async () => {
    await l.expectNothingDone('emu apply -f labs/03-service-vs-headless/echo.yaml --wait');
  });

  it('section 1, then a wrong step — six requests over one kept-alive connection — is caught', async () => {
    for (const line of l.readme.slice(1, 6)) await l.step(line);
    const wrong = 'emu exec peer-0 -- curl -s echo echo echo echo echo echo';
    expect(new Set((await shell.run(wrong)).stdout.split('\n')).size).toBe(1);
    const caught = await l.check();
    expect(verdicts(caught.steps)).toBe('✓✗✗');
    expect(caught.steps[1].hint).toMatch(/^all 6 requests reached echo-\S+: the Service picks a pod per connection, not per request/);
  });

  it('sections 2 and 3: random pods through the Service, peer-2 by name; every step ✓', async () => {
    const answers = (await l.step(`emu exec peer-0 -- sh -c 'for i in $(seq 12); do curl -s echo; done'`)).split('\n');
    expect(answers).toHaveLength(12);
    expect(await l.step(`emu exec peer-0 -- sh -c 'for i in $(seq 6); do curl -s peer-2.peer; done'`)).toBe(Array(6).fill('peer-2').join('\n'));
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓']);
  });
});

describe('lab 04: per-pod DNS and the bare headless name', () => {
  const l = lab('04', '04-per-pod-dns');

  it('before: ✗ with the apply command', async () => {
    await l.expectNothingDone('emu apply -f labs/04-per-pod-dns/es-names.yaml --wait');
  });

  it('sections 1 and 2: one name per pod; from each pod the bare name reaches that pod itself', async () => {
    await l.step('emu apply -f labs/04-per-pod-dns/es-names.yaml --wait');
    expect(await l.step('for i in 0 1 2; do emu exec es-cluster-$i -- curl -s es-headless-service; done')).toBe('es-cluster-0\nes-cluster-1\nes-cluster-2');
    expect((await l.step('emu exec es-cluster-2 -- dig +short es-headless-service.default.svc.cluster.local')).split('\n')).toHaveLength(3);
    const after = await l.check();
    expect(verdicts(after.steps)).toBe('✓✓✗✓');
    expect(after.steps[2].hint).toContain('emu exec es-cluster-0 -- rm /usr/share/nginx/html/ready');
  });

  it('a wrong step — deleting es-cluster-0 to take it out — is caught: it comes straight back', async () => {
    expect((await shell.run('emu delete pod es-cluster-0')).exitCode).toBe(0);
    await l.waitReady('es-cluster', 3);
    expect((await shell.run('emu exec es-cluster-0 -- curl -s es-headless-service')).stdout).toBe('es-cluster-0');
    const caught = await l.check();
    expect(caught.steps[2].ok).toBe(false);
    expect(caught.steps[2].hint).toContain('deleting the pod brings it straight back');
  });

  it('section 3: not Ready, left out of the bare name; Ready again, back in; every step ✓', async () => {
    await l.step('emu exec es-cluster-0 -- rm /usr/share/nginx/html/ready');
    await pollUntil('es-cluster-0 answered by another pod', async () => ((await l.step('emu exec es-cluster-0 -- curl -s es-headless-service')).trim() !== 'es-cluster-0' ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    expect(verdicts((await l.check()).steps)).toBe('✗✓✓✗');
    await l.step('emu exec es-cluster-0 -- touch /usr/share/nginx/html/ready');
    await l.waitReady('es-cluster', 3);
    await pollUntil('es-cluster-0 listed again', async () => ((await l.step('emu exec es-cluster-1 -- getent ahostsv4 es-headless-service')).split('\n').filter((x) => x.includes('STREAM')).length === 3 ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓']);
  });
});

describe('lab 05: ordinal identity', () => {
  const l = lab('05', '05-ordinal-identity');

  it('before: ✗ with the apply command; after section 1, step 1 ✓', async () => {
    await l.expectNothingDone('emu apply -f labs/05-ordinal-identity/zk.yaml --wait');
    await l.step('emu apply -f labs/05-ordinal-identity/zk.yaml --wait');
    expect(await l.step(`for i in 0 1 2; do emu exec zk-$i -- sh -c 'echo "$(hostname) myid=$(cat /data/myid)"'; done`)).toBe('zk-0 myid=1\nzk-1 myid=2\nzk-2 myid=3');
  });

  it('a wrong step — restarting zk-1\'s container instead of rescheduling the pod — is caught: same IP', async () => {
    expect((await shell.run('emu exec zk-1 -- pkill -f /data/boots')).exitCode).toBe(0);
    await pollUntil('zk-1 restarted in place', async () => ((await l.step('emu exec zk-1 -- cat /data/boots').catch(() => '')).split('\n').length === 2 ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    const caught = await l.check();
    expect(verdicts(caught.steps)).toBe('✓✗✗');
    expect(caught.steps[1].hint).toMatch(/^zk-1 started again with the same IP 10\.244\.\S+: its container restarted inside the same pod/);
  });

  it('sections 2 and 3: rescheduled, same names, new IPs; every step ✓', async () => {
    await l.step('emu delete pod zk-1');
    await l.waitReady('zk', 3);
    const [first, , third] = (await l.step('emu exec zk-1 -- cat /data/boots')).split('\n').map((line) => line.split(' '));
    expect([first[1], third[1]]).toEqual(['zk-1', 'zk-1']);
    expect(third[2]).not.toBe(first[2]);
    await l.step('emu delete pod zk-0 zk-1 zk-2');
    await l.waitReady('zk', 3);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓']);
  });
});

describe('lab 06: stable, unshared storage', () => {
  const l = lab('06', '06-stable-storage');

  it('before: ✗ with the apply command', async () => {
    await l.expectNothingDone('emu apply -f labs/06-stable-storage/notes.yaml --wait');
  });

  it('a wrong step — the owner written to /tmp only — is caught: /tmp is not a volume', async () => {
    await l.step('emu apply -f labs/06-stable-storage/notes.yaml --wait');
    expect((await shell.run(`for i in 0 1; do emu exec notes-$i -- sh -c 'hostname > /tmp/owner'; done`)).exitCode).toBe(0);
    const caught = await l.check();
    expect(caught.steps[0].ok).toBe(false);
    expect(caught.steps[0].hint).toContain('notes-0 wrote /tmp/owner, but there is no /data/owner: /tmp is not a volume');
  });

  it('sections 2–5: kept across reschedule and scaling, shared by the Deployment; every step ✓', async () => {
    await l.step(`for i in 0 1; do emu exec notes-$i -- sh -c 'hostname > /data/owner; hostname > /tmp/owner'; done`);
    await l.step('emu delete pod notes-0 notes-1');
    await l.waitReady('notes', 2);
    expect(await l.step(`for i in 0 1; do emu exec notes-$i -- sh -c 'echo "/data/owner: $(cat /data/owner)"; echo "/tmp/owner: $(cat /tmp/owner 2>/dev/null || echo gone)"'; done`)).toBe('/data/owner: notes-0\n/tmp/owner: gone\n/data/owner: notes-1\n/tmp/owner: gone');
    await l.step('emu scale statefulset notes --replicas 1');
    await l.waitReady('notes', 1);
    await l.step('emu scale statefulset notes --replicas 2');
    await l.waitReady('notes', 2);
    expect((await l.step('emu exec notes-1 -- cat /data/owner')).trim()).toBe('notes-1');
    await l.step(`for p in $(emu get pods -l app=notes-shared -o name); do emu exec \${p#pod/} -- sh -c 'hostname >> /data/writers'; done`);
    expect((await l.step('emu exec $(emu get pods -l app=notes-shared -o name | head -n 1 | cut -d/ -f2) -- cat /data/writers')).split('\n')).toHaveLength(2);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓']);
  });
});

describe('lab 10: OrderedReady vs Parallel', () => {
  const l = lab('10', '10-ordered-scaling');

  it('before: ✗ with the apply command; after section 1, steps 1 and 2 ✓', async () => {
    await l.expectNothingDone('emu apply -f labs/10-ordered-scaling/ordered.yaml -f labs/10-ordered-scaling/parallel.yaml --wait');
    await l.step('emu apply -f labs/10-ordered-scaling/ordered.yaml -f labs/10-ordered-scaling/parallel.yaml --wait');
    expect(await l.step('emu describe statefulset ordered')).toMatch(/create Pod ordered-0[\s\S]*create Pod ordered-1[\s\S]*create Pod ordered-2/);
  });

  it('a wrong step — deleting ordered-2 to "scale down" — is caught: it comes straight back', async () => {
    expect((await shell.run('emu delete pod ordered-2')).exitCode).toBe(0);
    await l.waitReady('ordered', 3);
    const caught = await l.check();
    expect(verdicts(caught.steps)).toBe('✓✓✗');
    expect(caught.steps[2].hint).toContain('deleting is not scaling');
  });

  it('section 2: up to 5 in order, down to 2 from the top; every step ✓', async () => {
    await l.step('emu scale statefulset ordered --replicas 5');
    await l.waitReady('ordered', 5);
    await l.step('emu scale statefulset ordered --replicas 2');
    await l.waitReady('ordered', 2);
    expect(await l.step('emu describe statefulset ordered')).toMatch(/delete Pod ordered-4[\s\S]*delete Pod ordered-3[\s\S]*delete Pod ordered-2/);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓']);
  });
});

describe('lab 11: partitioned rolling updates and OnDelete, with kubectl', () => {
  const l = lab('11', '11-rolling-updates');
  // The README's listing of each set's pods (canary's shows the revision too): the image tag per pod.
  const revision = (app: string) => (app === 'canary' ? ',REVISION:.metadata.labels.controller-revision-hash' : '');
  const images = async (app: string) => (await l.step(`kubectl get pods -l app=${app} -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image${revision(app)}`)).split('\n').slice(1).map((line) => line.split(/\s+/)[1].split(':')[1]);

  it('before: ✗ with the apply command; section 1', async () => {
    await l.expectNothingDone('emu apply -f labs/11-rolling-updates/canary.yaml --wait');
    await l.step('emu apply -f labs/11-rolling-updates/canary.yaml --wait');
    await l.step('emu kubeconfig --merge');
    expect(await l.step(`kubectl get statefulset canary -o jsonpath='{.spec.updateStrategy}{"\\n"}'`)).toContain('"partition":2');
  });

  it('section 2: the canary; then a wrong step — partition 1 — is caught: canary-1 updated too', async () => {
    await l.step('kubectl set image statefulset/canary nginx=registry.k8s.io/nginx-slim:0.24');
    expect(await l.step('kubectl rollout status statefulset/canary')).toContain('partitioned roll out complete');
    expect(await images('canary')).toEqual(['0.21', '0.21', '0.24']);
    expect(verdicts((await l.check()).steps)).toBe('✓✓✗✗');
    expect((await shell.run(`kubectl patch statefulset canary -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}'`)).exitCode).toBe(0);
    await pollUntil('canary-1 updated', async () => ((await images('canary'))[1] === '0.24' ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    await l.waitReady('canary', 3);
    const caught = await l.check();
    expect(caught.steps[1].ok).toBe(false);
    expect(caught.steps[1].hint).toContain('canary-1 runs the new image too: the partition is 1');
  });

  it('sections 3 and 4: partition 0, then OnDelete; every step ✓', async () => {
    await l.step(`kubectl patch statefulset canary -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`);
    await l.step('kubectl rollout status statefulset/canary');
    await pollUntil('every canary pod updated', async () => ((await images('canary')).join() === '0.24,0.24,0.24' ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    await l.step('emu apply -f labs/11-rolling-updates/ondelete.yaml --wait');
    await l.step('kubectl set image statefulset/ondelete nginx=registry.k8s.io/nginx-slim:0.24');
    expect(await images('ondelete')).toEqual(['0.21', '0.21', '0.21']);
    await l.step('kubectl delete pod ondelete-1');
    await l.step('kubectl wait --for=condition=Ready pod/ondelete-1 --timeout=60s');
    expect(await images('ondelete')).toEqual(['0.21', '0.24', '0.21']);
    await l.waitReady('canary', 3);
    const done = await l.check();
    expect([done.exitCode, verdicts(done.steps)]).toEqual([0, '✓✓✓✓']);
  });
});
