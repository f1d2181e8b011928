// Network faults on the Docker runtime: nft and tc run in the pod's network
// namespace through an exec in its pause container. A partition between two
// pods really cuts traffic both ways (and only between them) until `emu chaos
// heal`; a 100 % loss drops what a pod sends until its Fault is deleted; a
// bandwidth limit is a tbf qdisc; the rules live in the pods' namespaces, never
// in the host's. Then one seeded
// MySQL chaos run, partitions in its plan, with every check holding. Skips,
// saying why, where there is no Docker daemon or its images are not built.
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/history/read-history.ts';
import { LABELS } from '../../src/runtime/docker/docker-names.ts';
import { pollUntil } from '../../src/util/deadline.ts';
import { dockerForTests, dockerLeftovers } from '../helpers/docker.ts';
import { downAndCleanup, emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';
import { kubectlIn, type Kubectl } from '../helpers/kubectl-cluster.ts';

const docker = await dockerForTests(['nginx', 'mysql']);
const client = docker.client as ContainerRuntimeClient;
const skipped = docker.client ? '' : ` (skipped: ${docker.skipReason})`;

/** The nft tables in the host's own network namespace whose name says they are emu's chaos rules (there must never be any). */
async function hostChaosTables(): Promise<string[]> {
  const listed = await execa('nft', ['list', 'tables'], { reject: false });
  return listed.stdout.split('\n').filter((line) => line.includes('emu_chaos_'));
}

describe.skipIf(!docker.client)(`network faults on the Docker runtime${skipped}`, () => {
  // Made in beforeAll, so a skipped suite leaves no home behind.
  let t: ReturnType<typeof testHome>;
  let kubectl: Kubectl;

  /**
   * What web-N answers `from` with over a TCP connection of its own (an HTTP
   * request through bash's /dev/tcp: the image has no curl): the status line,
   * or "cut" when nothing came back within a second.
   */
  async function reach(from: string, to: string): Promise<string> {
    const request = `exec 3<>/dev/tcp/${to}.nginx/80 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3`;
    const result = await emu(['exec', from, '--', 'timeout', '1', 'bash', '-c', request], t.env);
    return result.stdout.trim() || 'cut';
  }

  /** What a command prints in a pod's network namespace, run in its pause container. */
  async function inPodNetwork(pod: string, command: string[]): Promise<string> {
    const [sandbox] = await client.container.dockerode.listContainers({ filters: { label: [`${LABELS.cluster}=${t.home}/clusters/${t.cluster}`, `${LABELS.pod}=default/${pod}`, `${LABELS.role}=sandbox`] } });
    const listed = await client.container.exec(client.container.getById(sandbox.Id), command);
    expect(listed.exitCode, listed.output).toBe(0);
    return listed.output;
  }
  const podTables = (pod: string) => inPodNetwork(pod, ['nft', 'list', 'tables']);

  const phase = async (name: string) => JSON.parse((await kubectl(['get', 'fault', name, '-o', 'json'])).stdout).status?.phase;
  const active = (name: string) => pollUntil(`fault ${name} to be in force`, async () => ((await phase(name)) === 'Active' ? true : undefined), { timeoutMs: 30_000, intervalMs: 50 });

  /** kubectl apply a Fault of this spec (flow-style YAML), and wait until it is in force. */
  async function applyFault(name: string, spec: string): Promise<void> {
    const file = `${t.home}/${name}.yaml`;
    writeFileSync(file, `apiVersion: chaos.emu.dev/v1alpha1\nkind: Fault\nmetadata: {name: ${name}}\nspec: ${spec}\n`);
    expect((await kubectl(['apply', '-f', file])).stdout).toBe(`fault.chaos.emu.dev/${name} created`);
    await active(name);
  }

  beforeAll(async () => {
    t = testHome('docker-chaos');
    const up = await emu(['up', '--runtime', 'docker'], t.env);
    expect(up.exitCode, up.stderr).toBe(0);
    const applied = await emu(['apply', '-f', `${ROOT}test/chaos/fixtures/web.yaml`, '--wait'], t.env, { timeoutMs: 180_000 });
    expect(applied.exitCode, applied.stderr).toBe(0);
    kubectl = kubectlIn(t);
  }, 180_000);
  afterAll(async () => {
    expect(await downAndCleanup(t)).toEqual([]);
    expect(await dockerLeftovers(client, t.home)).toEqual([]);
    expect(await hostChaosTables()).toEqual([]);
  }, 120_000);

  it('a partition cuts exactly its link, both ways, until emu chaos heal', async () => {
    const ok = 'HTTP/1.1 200 OK';
    expect(await reach('web-1', 'web-0')).toBe(ok);
    expect(await reach('web-0', 'web-1')).toBe(ok);
    expect((await kubectl(['apply', '-f', `${ROOT}test/chaos/fixtures/cut-web-0.yaml`])).stdout).toBe('fault.chaos.emu.dev/cut-web-0 created');
    await active('cut-web-0');
    expect(await reach('web-1', 'web-0')).toBe('cut');
    expect(await reach('web-0', 'web-1')).toBe('cut');
    // web-2 is on neither side of the cut.
    expect(await reach('web-2', 'web-0')).toBe(ok);
    expect(await reach('web-0', 'web-2')).toBe(ok);
    // The rules are in the two pods' namespaces, not in the third's, nor in the host's.
    expect(await podTables('web-0')).toContain('table ip emu_chaos_cut_web_0');
    expect(await podTables('web-1')).toContain('table ip emu_chaos_cut_web_0');
    expect(await podTables('web-2')).toBe('');
    expect(await hostChaosTables()).toEqual([]);

    const healed = await emu(['chaos', 'heal'], t.env);
    expect([healed.exitCode, healed.stdout]).toEqual([0, 'fault.chaos.emu.dev/cut-web-0 healed']);
    expect(await reach('web-1', 'web-0')).toBe(ok);
    expect(await reach('web-0', 'web-1')).toBe(ok);
    expect(await podTables('web-0')).toBe('');
    expect(await podTables('web-1')).toBe('');
  }, 60_000);

  it('a 100 % loss drops everything the pod sends, until its Fault is deleted', async () => {
    await applyFault('lose-web-0', '{fault: netem, targets: [web-0], params: {netem: loss, percent: 100}}');
    // Nothing web-0 sends gets out: neither its requests nor its answers.
    expect(await reach('web-0', 'web-1')).toBe('cut');
    expect(await reach('web-1', 'web-0')).toBe('cut');
    expect(await reach('web-1', 'web-2')).toBe('HTTP/1.1 200 OK');
    expect((await kubectl(['get', 'faults', '-o', 'wide'])).stdout).toContain('loss 100% on web-0');

    expect((await kubectl(['delete', 'fault', 'lose-web-0'])).stdout).toBe('fault.chaos.emu.dev "lose-web-0" deleted');
    expect(await reach('web-0', 'web-1')).toBe('HTTP/1.1 200 OK');
    expect(await reach('web-1', 'web-0')).toBe('HTTP/1.1 200 OK');
    expect(await podTables('web-0')).toBe('');
  }, 60_000);

  it('a bandwidth limit is a tbf qdisc on the pod\'s eth0, removed when its Fault is deleted', async () => {
    await applyFault('slow-web-2', '{fault: netem, targets: [web-2], params: {netem: bandwidth, rate: 1mbit}}');
    expect(await inPodNetwork('web-2', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).toMatch(/^qdisc tbf \S+ root .*rate 1Mbit/);
    expect(await reach('web-0', 'web-2')).toBe('HTTP/1.1 200 OK');
    expect((await kubectl(['delete', 'fault', 'slow-web-2'])).stdout).toBe('fault.chaos.emu.dev "slow-web-2" deleted');
    expect(await inPodNetwork('web-2', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).not.toContain('tbf');
  }, 60_000);
});

describe.skipIf(!docker.client)(`emu run scenarios/mysql-chaos.ts --runtime docker --seed 1${skipped}`, () => {
  let t: ReturnType<typeof testHome>;
  beforeAll(() => void (t = testHome('docker-mysql-chaos')));
  afterAll(() => t.cleanup());

  it('holds under a seeded schedule with partitions: every check holds, nothing left behind', async () => {
    const args = ['run', `${ROOT}scenarios/mysql-chaos.ts`, '--runtime', 'docker', '--seed', '1'];
    // A short schedule (CHAOS_DURATION): the 60 s one is the native suite's.
    const env = { EMU_HOME: t.env.EMU_HOME, EMU_TIME_SCALE: '0.1', CHAOS_DURATION: '20s' };
    const plan = JSON.parse((await emu([...args, '--plan'], env)).stdout);
    const partitions = plan.faults.filter((f: { fault: string }) => f.fault === 'partition').length;
    expect(partitions).toBeGreaterThanOrEqual(2);

    const report = `${t.home}/report.json`;
    const result = await emu([...args, '--json', report], env, { timeoutMs: 300_000 });
    expect(existsSync(report), `no report; the run said:\n${result.stdout}\n${result.stderr}`).toBe(true);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.steps.filter((s: { status: string }) => s.status !== 'passed'), result.stdout).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^checks: valid$/m);
    // The partitions of the plan were really applied (an ok nemesis start each).
    const history = parseHistory(readFileSync(json.history, 'utf8'), json.history);
    const applied = history.filter((o) => o.process === 'nemesis' && o.f === 'start' && o.type === 'ok');
    expect(applied.filter((o) => (o.value as { fault: string }).fault === 'partition').length).toBeGreaterThanOrEqual(partitions - 1);
    expect(await leftovers(t.home)).toEqual([]);
    expect(await dockerLeftovers(client, t.home)).toEqual([]);
    expect(await hostChaosTables()).toEqual([]);
  }, 300_000);
});
