// emu chaos on a running cluster, and Fault objects through the real kubectl:
// a partition really cuts traffic (and only between the pods it names), a pause
// really freezes a pod, every fault and heal is an Event, `emu chaos heal` undoes
// what a killed `emu chaos` left in force, and a schedule run by `emu chaos`
// leaves nothing behind.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/util/deadline.ts';
import { downAndCleanup, emu, ROOT, testHome } from '../helpers/emu-cli.ts';
import { kubectlIn, untilOutput, type Kubectl } from '../helpers/kubectl-cluster.ts';

const home = testHome('emu-chaos');
// Kubernetes' 10 s crash back-off, scaled down: a killed container is back within the next fault's slot.
const t = { ...home, env: { ...home.env, EMU_TIME_SCALE: '0.1' } };
const BIN = `${ROOT}bin/emu.mjs`;
let kubectl: Kubectl;

/** The HTTP status web-N answers `from` with, or 000 when nothing came back within a second. */
async function reach(from: string, to: string): Promise<string> {
  const result = await emu(['exec', from, '--', 'curl', '-s', '-o', '/dev/null', '-m', '1', '-w', '%{http_code}', `http://${to}.nginx/`], t.env);
  return result.stdout.trim();
}

const faultPhase = async (name: string) => JSON.parse((await kubectl(['get', 'fault', name, '-o', 'json'])).stdout).status?.phase;
const chaosEvents = async () => (await kubectl(['get', 'events', '-o', 'json'])).stdout;

describe('emu chaos and Fault objects', () => {
  beforeAll(async () => {
    const up = await emu(['up'], t.env);
    expect(up.exitCode, up.stderr).toBe(0);
    const applied = await emu(['apply', '-f', `${ROOT}test/chaos/fixtures/web.yaml`, '--wait'], t.env);
    expect(applied.exitCode, applied.stderr).toBe(0);
    kubectl = kubectlIn(t);
  }, 180_000);
  afterAll(async () => expect(await downAndCleanup(t)).toEqual([]), 120_000);

  it('a partition Fault applied with kubectl cuts exactly its link, both ways, until it is deleted', async () => {
    expect(await reach('web-1', 'web-0')).not.toBe('000');
    const applied = await kubectl(['apply', '-f', `${ROOT}test/chaos/fixtures/cut-web-0.yaml`]);
    expect(applied.stdout).toBe('fault.chaos.emu.dev/cut-web-0 created');
    await pollUntil('the partition to be in force', async () => ((await faultPhase('cut-web-0')) === 'Active' ? true : undefined), { timeoutMs: 30_000, intervalMs: 50 });
    const table = (await kubectl(['get', 'faults'])).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+FAULT\s+TARGETS\s+PHASE\s+AGE$/);
    expect(table[1]).toMatch(/^cut-web-0\s+partition\s+web-0,web-1\s+Active\s+\d+s$/);
    expect((await kubectl(['get', 'faults', '-o', 'wide'])).stdout).toContain('web-0 cut off from web-1');
    expect(await reach('web-1', 'web-0')).toBe('000');
    expect(await reach('web-0', 'web-1')).toBe('000');
    // web-2 is on neither side of the cut.
    expect(await reach('web-2', 'web-0')).not.toBe('000');
    expect(await reach('web-0', 'web-2')).not.toBe('000');
    expect(await chaosEvents()).toContain('[cut-web-0] partition: web-0 cut off from web-1');

    const deleted = await kubectl(['delete', 'fault', 'cut-web-0']);
    expect(deleted.stdout).toBe('fault.chaos.emu.dev "cut-web-0" deleted');
    expect(await reach('web-1', 'web-0')).not.toBe('000');
    expect(await chaosEvents()).toContain('[cut-web-0] partition: healed');
    expect((await kubectl(['get', 'faults'])).stderr).toBe('No resources found in default namespace.');
  });

  it('bad faults are refused in one line, and nothing is left in force', async () => {
    writeFileSync(`${t.home}/bad-fault.yaml`, 'apiVersion: chaos.emu.dev/v1alpha1\nkind: Fault\nmetadata: {name: boom}\nspec: {fault: pod-explode, targets: [web-0]}\n');
    const bad = await kubectl(['apply', '-f', `${t.home}/bad-fault.yaml`]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringMatching(/^The Fault "boom" is invalid: spec\.fault: Invalid value: "pod-explode": unknown fault \(pod-delete, pod-kill/)]);
    const unknown = await emu(['chaos', '-l', 'app=nginx', '--faults', 'pod-kil'], t.env);
    expect([unknown.exitCode, unknown.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(unknown.stderr).toMatch(/^error: chaos: faults\[0\]: unknown fault "pod-kil"/);
    const none = await emu(['chaos', '-l', 'app=nothing', '--faults', 'pause'], t.env);
    expect([none.exitCode, none.stderr.trim()]).toEqual([1, 'error: chaos: no pod matches app=nothing in namespace default']);
    expect((await kubectl(['get', 'faults'])).stderr).toBe('No resources found in default namespace.');
  });

  it('emu chaos heal undoes a pause left by an emu chaos that was killed', async () => {
    // A long pause of web-2, and emu chaos killed outright while it holds.
    const chaos = spawn(process.execPath, [BIN, 'chaos', '-l', 'app=nginx', '--faults', 'pause', '--interval', '60s', '--fault-duration', '50s', '--duration', '60s', '--seed', '3'], { env: { ...process.env, ...t.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    chaos.stdout.on('data', (d) => (out += d));
    chaos.stderr.on('data', (d) => (out += d));
    await untilOutput(() => out, /pause web-\d: SIGSTOP to every process of web-\d/, 60_000);
    const paused = /pause (web-\d)/.exec(out)![1];
    chaos.kill('SIGKILL');
    await new Promise((resolve) => chaos.once('exit', resolve));
    expect(await reach(paused === 'web-0' ? 'web-1' : 'web-0', paused)).toBe('000');
    expect((await kubectl(['get', 'faults'])).stdout).toMatch(/chaos-3-1-pause\s+pause\s+web-\d\s+Active/);

    const healed = await emu(['chaos', 'heal'], t.env);
    expect([healed.exitCode, healed.stdout]).toEqual([0, 'fault.chaos.emu.dev/chaos-3-1-pause healed']);
    expect(await reach(paused === 'web-0' ? 'web-1' : 'web-0', paused)).not.toBe('000');
    expect(await chaosEvents()).toContain('[chaos-3-1-pause] pause: healed');
    expect((await emu(['chaos', 'heal'], t.env)).stdout).toBe('no faults in force');
  });

  it('emu chaos runs a seeded schedule of kills, pauses and partitions, and leaves nothing in force', async () => {
    const args = ['chaos', '-l', 'app=nginx', '--faults', 'pod-kill,container-kill,pause,partition', '--interval', '3s', '--duration', '12s', '--seed', '8'];
    const plan = await emu([...args, '--plan'], t.env);
    expect(plan.exitCode, plan.stderr).toBe(0);
    const schedule = JSON.parse(plan.stdout);
    expect(schedule.faults).toHaveLength(4);
    expect((await emu([...args, '--plan'], t.env)).stdout).toBe(plan.stdout);

    const before = JSON.parse((await kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'json'])).stdout).items;
    const run = await emu(args, t.env);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('chaos: seed 8, 4 faults on web-0, web-1, web-2 over 12s');
    expect(run.stdout).toMatch(/chaos: 4 faults applied, 0 failed; nothing left in force/);
    expect(run.stdout).toContain(`replay: emu ${args.join(' ').replace('-l app=nginx', '--selector app=nginx')}`);
    expect((await kubectl(['get', 'faults'])).stderr).toBe('No resources found in default namespace.');

    // Every fault is an Event on its pods; a pod-kill leaves a new incarnation, a container-kill a restart.
    const events = await chaosEvents();
    for (const [n, fault] of (schedule.faults as { fault: string }[]).entries()) expect(events).toContain(`[chaos-8-${n + 1}-${fault.fault}] ${fault.fault}:`);
    const after = JSON.parse((await kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'json'])).stdout).items;
    const killed = schedule.faults.filter((f: { fault: string }) => f.fault === 'pod-kill').flatMap((f: { targets: string[] }) => f.targets);
    expect(killed).toEqual(['web-2']);
    const pod = (list: any[], name: string) => list.find((p) => p.metadata.name === name);
    expect(pod(after, 'web-2').metadata.uid).not.toBe(pod(before, 'web-2').metadata.uid);
    expect(pod(after, 'web-1').status.containerStatuses[0].restartCount).toBe(pod(before, 'web-1').status.containerStatuses[0].restartCount + 1);
  }, 120_000);
});
