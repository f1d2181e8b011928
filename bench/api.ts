// The Kubernetes API: how soon a watch hears that a pod became Ready, and the
// real kubectl beside emu's own CLI against the same cluster.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../src/api/resources.ts';
import type { ApiObject } from '../src/api/store.ts';
import { serveApi } from '../src/daemon/api-host.ts';
import type { Cluster } from '../src/engine/cluster.ts';
import type { ScenarioContext } from '../src/scenario/context.ts';
import { benchParallel } from './scale.ts';
import { pollUntil } from '../src/util/deadline.ts';
import { summarize, timed } from './stats.ts';

const PODS = byKind('Pod')!;
const EMU = fileURLToPath(new URL('../bin/emu.mjs', import.meta.url));
const TRIVIAL = fileURLToPath(new URL('./manifests/trivial.yaml', import.meta.url));
const WATCH_CLIENT = fileURLToPath(new URL('./watch-client.ts', import.meta.url));

const ready = (pod: ApiObject) => Boolean((pod as Pod).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

/**
 * Watch event latency: for every pod that becomes Ready, the time from the
 * status write in the API store (seen by an in-process watcher at commit) to the
 * MODIFIED event reaching a client in another process watching over HTTPS on the
 * API socket (both on CLOCK_MONOTONIC).
 */
export async function benchWatchLatency(cluster: Cluster, t: ScenarioContext, pods: number, policy: 'Parallel' | 'OrderedReady') {
  const server = await serveApi(cluster);
  const committed = new Map<string, bigint>();
  const latencies: number[] = [];
  const wasReady = new Set<string>();
  const from = cluster.store.resourceVersion;
  const internal = cluster.store.watch(PODS, { resourceVersion: from }, (event) => {
    const uid = event.object.metadata.uid!;
    if (ready(event.object) && !wasReady.has(uid)) {
      wasReady.add(uid);
      committed.set(event.object.metadata.resourceVersion!, process.hrtime.bigint());
    }
  });
  const client = spawn(process.execPath, ['--import', 'tsx', WATCH_CLIENT, cluster.paths.name, dirname(dirname(cluster.paths.root)), from], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: client.stdout! });
  const arrivals = new Map<string, bigint>();
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') return resolve();
      const [rv, at] = line.split(' ');
      arrivals.set(rv, BigInt(at));
    });
    client.once('exit', (code) => reject(new Error(`the watch client exited with ${code}`)));
  });
  try {
    await benchParallel(t, pods, policy);
    await pollUntil('the watch client to hear every Ready', async () => ([...committed.keys()].every((rv) => arrivals.has(rv)) ? true : undefined), { timeoutMs: 30_000, intervalMs: 10 });
  } finally {
    client.kill();
    internal.stop();
    await server.close();
  }
  for (const [rv, at] of committed) latencies.push(Number(arrivals.get(rv)! - at) / 1e6);
  const sorted = [...latencies].sort((a, b) => a - b);
  return { ...summarize(latencies), p99: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] };
}

/**
 * The real kubectl beside `emu` on one cluster started with `emu up`, as a user
 * drives it: `get pods` with `pods` pods running (median of 5 runs each), and
 * apply of a `pods`-replica set followed by `rollout status` until all Ready.
 */
export async function benchKubectlVsEmu(pods: number) {
  const home = await mkdtemp('/var/tmp/emu-bench-api-');
  const env = { ...process.env, EMU_HOME: home, EMU_CLUSTER: 'api', KUBECONFIG: `${home}/kubeconfig` };
  const manifest = `${home}/trivial.yaml`;
  await writeFile(manifest, (await readFile(TRIVIAL, 'utf8')).replace(/replicas: \d+/, `replicas: ${pods}`));
  const run = async (file: string, args: string[]) => {
    const result = await execa(file, args, { env, reject: false, timeout: 600_000, stdin: 'ignore' });
    if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')}: ${result.stderr}`);
  };
  const kubectl = (args: string[]) => run('kubectl', args);
  const emu = (args: string[]) => run(process.execPath, [EMU, ...args]);
  const rollout = ['rollout', 'status', 'statefulset/trivial', '--timeout=600s'];
  const gone = async () => {
    await emu(['delete', 'statefulset', 'trivial']);
    await kubectl(['wait', '--for=delete', 'pod', '-l', 'app=trivial', '--timeout=600s']);
  };
  try {
    await emu(['up']);
    const kubectlApply = await timed(async () => {
      await kubectl(['apply', '-f', manifest]);
      await kubectl(rollout);
    });
    const getKubectl: number[] = [];
    const getEmu: number[] = [];
    for (let i = 0; i < 5; i++) {
      getKubectl.push((await timed(() => kubectl(['get', 'pods']))).ms);
      getEmu.push((await timed(() => emu(['get', 'pods']))).ms);
    }
    await gone();
    const emuApply = await timed(async () => {
      await emu(['apply', '-f', manifest]);
      await emu(rollout);
    });
    await gone();
    return { kubectlApply: kubectlApply.ms, emuApply: emuApply.ms, getKubectl: summarize(getKubectl).median, getEmu: summarize(getEmu).median };
  } finally {
    await execa(process.execPath, [EMU, 'down', '--volumes'], { env, reject: false, stdin: 'ignore' });
    await rm(home, { recursive: true, force: true });
  }
}
