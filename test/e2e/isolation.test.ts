// Pods are isolated like containers (issue #7): a writable layer of their own over
// the host's files, one process tree per container, the container runtime's default
// privileges, securityContext. Canaries the test plants prove the host is untouched.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../../src/runtime/capabilities.ts';
import { CANARY_TEXT, plantTool, plantTree, removeCanaries, snapshot, type CanaryTree } from '../helpers/canaries.ts';
import { downAndCleanup, emu, processesOf, ROOT, testHome, until } from '../helpers/emu-cli.ts';

const t = testHome('isolation');
const env = { ...t.env, EMU_TIME_SCALE: '0.01' }; // CrashLoopBackOff 10 s → 100 ms
const tag = randomBytes(4).toString('hex');
const CHECKOUT_SCRATCH = `${ROOT}tmp`; // git-ignored
// A checkout under /tmp or /run is out of a container's sight altogether (they get
// their own there), so only a checkout elsewhere can be a canary's place.
const CHECKOUT_VISIBLE = !/^\/(tmp|run)\//.test(ROOT);
let trees: CanaryTree[] = [];
let tool = '';
let planted: string[] = [];
let before: Record<string, string> = {};

/** Run a shell script in a container; its stdout, or the failure. */
async function sh(pod: string, container: string, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return emu(['exec', pod, '-c', container, '--', 'sh', '-c', script], env);
}

async function pod(name: string): Promise<any> {
  const result = await emu(['get', 'pods', name, '-o', 'json'], env);
  return result.exitCode === 0 ? JSON.parse(result.stdout) : undefined;
}

const status = (p: any, container: string) => p?.status.containerStatuses.find((c: any) => c.name === container);


const ready = (name: string) => until(`${name} Ready`, async () => ((await pod(name))?.status.conditions.find((c: any) => c.type === 'Ready').status === 'True' ? true : undefined));

/** The capability names of a /proc/<pid>/status mask (bit n = capability n, in ALL_CAPABILITIES order). */
function capabilityNames(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n).sort();
}

function capabilities(status: string): Record<string, string[]> {
  return Object.fromEntries([...status.matchAll(/^(Cap\w+):\s+([0-9a-f]+)$/gm)].map(([, key, hex]) => [key, capabilityNames(hex)]));
}

/** Changes a container makes to every canary: change, create, delete, `mv` the tool, `rm -rf` one tree. */
function vandalize(): string {
  const each = trees.map((tree) => `echo changed >> ${tree.root}/a.txt && touch ${tree.root}/created && rm -rf ${tree.root}/sub`).join(' && ');
  return `set -e; ${each}; mv ${tool} ${tool}.off; rm -rf ${trees.at(-1)!.root}`;
}

/** What a container sees of the canaries: `intact` or the first difference. */
function inspect(): string {
  const checks = trees.slice(0, -1).map((tree) => `[ "$(cat ${tree.root}/a.txt)" = "${CANARY_TEXT}" ] && [ -e ${tree.root}/sub/deep/c.bin ] && [ ! -e ${tree.root}/created ]`);
  return `if ${checks.join(' && ')} && [ -x ${tool} ] && [ ! -e ${tool}.off ] && [ -e ${trees.at(-1)!.root}/a.txt ]; then echo intact; else echo changed; fi`;
}

describe('pods isolated like containers', () => {
  beforeAll(async () => {
    mkdirSync(CHECKOUT_SCRATCH, { recursive: true });
    trees = ['/root', '/home', '/usr/local', '/var', '/opt', ...(CHECKOUT_VISIBLE ? [CHECKOUT_SCRATCH] : []), '/srv'].map((dir) => plantTree(dir, tag));
    tool = plantTool('/usr/local/bin', tag);
    planted = [...trees.map((tree) => tree.root), tool, `${tool}.off`];
    before = snapshot(planted);
    const applied = await emu(['apply', '-f', `${ROOT}test/e2e/fixtures/isolation.yaml`, `${ROOT}test/e2e/fixtures/security.yaml`], env);
    expect(applied.stderr).toBe('');
    for (const name of ['iso-0', 'iso-1', 'locked-0', 'privileged-0']) await ready(name);
  });

  afterAll(async () => {
    await downAndCleanup({ env, home: t.home, cleanup: t.cleanup });
    removeCanaries(planted);
  });

  it("keeps what a container changes in the host's files in its own layer; the host is unchanged byte for byte", async () => {
    expect(await sh('iso-0', 'shell', inspect())).toMatchObject({ stdout: 'intact' });
    const changed = await sh('iso-0', 'shell', `${vandalize()}; echo iso-0 > /etc/emu-marker; echo kept > /data/kept`);
    expect(changed.stderr).toBe('');
    expect(changed.exitCode).toBe(0);
    expect(snapshot(planted)).toEqual(before);
    expect((await sh('iso-0', 'shell', inspect())).stdout).toBe('changed');
    expect((await sh('iso-0', 'shell', `cat ${trees[0].root}/a.txt; ${tool}.off`)).stdout).toBe(`${CANARY_TEXT}\nchanged\n${CANARY_TEXT}`);
    // Only that container: not its neighbour in the pod, not another pod.
    expect((await sh('iso-0', 'web', inspect())).stdout).toBe('intact');
    expect((await sh('iso-1', 'shell', inspect())).stdout).toBe('intact');
    expect((await sh('iso-1', 'shell', 'echo iso-1 > /etc/emu-marker; cat /etc/emu-marker')).stdout).toBe('iso-1');
    expect((await sh('iso-0', 'shell', 'cat /etc/emu-marker')).stdout).toBe('iso-0');
    expect((await sh('iso-0', 'web', 'cat /etc/emu-marker 2>&1')).exitCode).not.toBe(0);
  });

  it('gives a restarted container a fresh layer; the volume keeps its data', async () => {
    const restarts = status(await pod('iso-0'), 'shell').restartCount;
    await sh('iso-0', 'shell', 'kill 1'); // its init ends: the container ends and is restarted
    await until('shell restarted', async () => {
      const s = status(await pod('iso-0'), 'shell');
      return s.restartCount > restarts && s.state.running ? true : undefined;
    });
    expect((await sh('iso-0', 'shell', inspect())).stdout).toBe('intact');
    expect((await sh('iso-0', 'shell', 'cat /etc/emu-marker 2>&1 || echo none')).stdout).toContain('none');
    expect((await sh('iso-0', 'shell', 'cat /data/kept')).stdout).toBe('kept');
    expect(snapshot(planted)).toEqual(before);
  });

  it('gives a rescheduled pod fresh layers; the volume follows it', async () => {
    expect((await sh('iso-0', 'shell', vandalize())).exitCode).toBe(0);
    const uid = (await pod('iso-0')).metadata.uid;
    expect((await emu(['delete', 'pod', 'iso-0'], env)).exitCode).toBe(0);
    await until('iso-0 back', async () => ((await pod('iso-0'))?.metadata.uid !== uid ? true : undefined));
    await ready('iso-0');
    expect((await sh('iso-0', 'shell', inspect())).stdout).toBe('intact');
    expect((await sh('iso-0', 'shell', 'cat /data/kept')).stdout).toBe('kept');
    expect(snapshot(planted)).toEqual(before);
  });

  it("runs a container with the runtime's default capabilities, as root of its own user namespace, unable to leave its namespaces", async () => {
    const caps = capabilities((await sh('iso-1', 'shell', 'grep Cap /proc/self/status')).stdout);
    const defaults = [...DEFAULT_CAPABILITIES].sort();
    expect(caps).toEqual({ CapInh: [], CapPrm: defaults, CapEff: defaults, CapBnd: defaults, CapAmb: [] });
    expect((await sh('iso-1', 'shell', 'id -u')).stdout).toBe('0');
    const [inside, outside, size] = (await sh('iso-1', 'shell', 'cat /proc/self/uid_map')).stdout.trim().split(/\s+/).map(Number);
    expect({ inside, size }).toEqual({ inside: 0, size: 65536 });
    expect(outside).toBeGreaterThan(65535); // root in the pod is an unprivileged id on the host
    for (const escape of ['umount /proc', 'mount -t tmpfs none /mnt', 'nsenter --net=/proc/1/ns/net true', 'ls /.lower/etc/shadow']) {
      expect((await sh('iso-1', 'shell', escape)).exitCode, escape).not.toBe(0);
    }
    // One process tree per container: PID 1 is its own command, nginx (the other container) is not there.
    const processes = (await sh('iso-1', 'shell', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done')).stdout;
    expect(processes.split('\n')[0]).toMatch(/^sh -c trap 'exit 0' TERM; while/);
    expect(processes).not.toContain('nginx');
  });

  it("restarts nginx after kill -9 of its master, and nothing of the old container survives", async () => {
    // The container's init is the child of its runtime process, which names the pod's uid.
    const uid = (await pod('iso-1')).metadata.uid;
    const runtime = Number(processesOf(t.home).find((line) => line.includes(`${uid}-web-`))!.split(' ')[0]);
    const master = children(runtime)[0];
    expect(readProc(master, 'cmdline')).toMatch(/^nginx: master/);
    const workers = children(master);
    expect(workers.length).toBeGreaterThan(0);
    const restarts = status(await pod('iso-1'), 'web').restartCount;
    process.kill(master, 'SIGKILL');
    await until('nginx restarted', async () => {
      const s = status(await pod('iso-1'), 'web');
      return s.restartCount > restarts && s.state.running ? true : undefined;
    });
    await until('the old workers gone', async () => (workers.every((pid) => !readProc(pid, 'cmdline').startsWith('nginx')) ? true : undefined));
    const served = await until('nginx serving again', async () => {
      const code = (await sh('iso-1', 'shell', 'curl -s -o /dev/null -w "%{http_code}" http://localhost/')).stdout;
      return /^[1-5]\d\d$/.test(code) ? code : undefined;
    });
    expect(served).toMatch(/^(200|403)$/);
  });

  it('emulates securityContext: user, groups, fsGroup, capabilities, no_new_privs, a read-only root, a shared PID namespace', async () => {
    expect((await sh('locked-0', 'app', 'id -u; id -g')).stdout).toBe('1000\n3000');
    expect((await sh('locked-0', 'app', 'id -G')).stdout.split(' ').map(Number).sort()).toEqual([2000, 3000, 4000]);
    const caps = capabilities((await sh('locked-0', 'app', 'grep Cap /proc/self/status')).stdout);
    expect(caps.CapBnd).toEqual(['NET_BIND_SERVICE']);
    expect(caps.CapEff).toEqual([]); // not root: nothing effective, as in Kubernetes
    expect(capabilities((await sh('locked-0', 'helper', 'grep Cap /proc/self/status')).stdout).CapBnd).toEqual([...DEFAULT_CAPABILITIES].sort());
    expect((await sh('locked-0', 'app', 'grep NoNewPrivs /proc/self/status')).stdout).toMatch(/NoNewPrivs:\s+1/);
    expect((await sh('locked-0', 'helper', 'grep NoNewPrivs /proc/self/status')).stdout).toMatch(/NoNewPrivs:\s+0/);
    expect((await sh('locked-0', 'app', 'touch /etc/emu-x')).stderr).toContain('Read-only file system');
    expect((await sh('locked-0', 'helper', 'touch /tmp/x && touch /var/tmp/emu-x && echo writable')).stdout).toBe('writable');
    // fsGroup: the volume belongs to the group, setgid, so new files join it.
    expect((await sh('locked-0', 'app', 'touch /scratch/f && stat -c "%g %A" /scratch /scratch/f')).stdout).toBe('2000 drwxrwsrwx\n2000 -rw-r--r--');
    // One PID namespace for the pod: the sandbox's init is PID 1, both containers are there.
    const processes = (await sh('locked-0', 'app', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done')).stdout;
    expect(processes.split('\n')[0]).toMatch(/^\/bin\/sh -c /);
    expect(processes).toContain('sleep 0.3');
  });

  it("gives a privileged container every capability the host has, and the host's user ids", async () => {
    const caps = capabilities((await sh('privileged-0', 'app', 'grep Cap /proc/self/status')).stdout);
    expect(caps.CapEff).toEqual(capabilities(readFileSync('/proc/self/status', 'utf8')).CapBnd);
    expect(caps.CapEff.length).toBeGreaterThan(DEFAULT_CAPABILITIES.length);
    expect((await sh('privileged-0', 'app', 'cat /proc/self/uid_map')).stdout.trim().split(/\s+/)).toEqual(['0', '0', '4294967295']);
  });

  it('refuses to run a root image under runAsNonRoot, as the kubelet does', async () => {
    const p = await until('nonroot-0 refused', async () => {
      const found = await pod('nonroot-0');
      return status(found, 'app')?.state.waiting?.reason === 'CreateContainerConfigError' ? found : undefined;
    });
    expect(status(p, 'app').state.waiting.message).toBe(`container has runAsNonRoot and image will run as root (pod: "nonroot-0_default(${p.metadata.uid})", container: app)`);
    expect((await emu(['get', 'pods', 'nonroot-0'], env)).stdout).toMatch(/nonroot-0\s+0\/1\s+CreateContainerConfigError/);
  });

  it('fails fast, with an event and a log line, when the entrypoint does not exist', async () => {
    const why = 'executable file `/no/such/entrypoint.sh` not found';
    await until('the start error', async () => ((await emu(['describe', 'pod', 'noentry-0'], env)).stdout.includes(why) ? true : undefined));
    const described = (await emu(['describe', 'pod', 'noentry-0'], env)).stdout;
    expect(described).toMatch(new RegExp(`Warning\\s+Failed\\s+.*Error: failed to start container "app": ${why.replace(/[`/.]/g, '\\$&')}`));
    await until('the log line', async () => ((await emu(['logs', 'noentry-0'], env)).stdout.includes(why) ? true : undefined));
  });
});

function children(pid: number): number[] {
  return readProc(pid, `task/${pid}/children`).trim().split(/\s+/).filter(Boolean).map(Number);
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

// The canaries are plain host files the test made: make sure none is left behind.
afterAll(() => expect(planted.filter((path) => existsSync(path))).toEqual([]));
