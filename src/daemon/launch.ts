import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmuError } from '../errors.ts';
import { makeClusterDir, type ClusterPaths } from '../engine/cluster-paths.ts';
import { nodeCommand } from '../node/enter-node.ts';
import { pollUntil } from '../util/deadline.ts';
import { isAlive, signalQuietly, waitForOnlyChild } from '../util/proc.ts';
import { RestApi } from '../client/rest-api.ts';
import { EMU_BIN } from '../node/enter-node.ts';
import type { RuntimeName } from '../runtime/container-runtime.ts';
import { removeDockerLeftovers } from '../runtime/docker/cleanup.ts';

export interface DaemonInfo {
  /** The `unshare` process on the host. */
  unsharePid: number;
  /** The node's PID 1 (its init) as the host sees it: the handle for nsenter (exec). */
  nodePid: number;
  /** The runtime its pods run on (what `emu down` cleans up after). */
  runtime?: RuntimeName;
}

/** Is the cluster's API answering? */
export async function isRunning(paths: ClusterPaths): Promise<boolean> {
  try {
    await RestApi.connect(paths);
    return true;
  } catch (error) {
    if (error instanceof EmuError && error.code === 'PRIVILEGE') throw error;
    return false;
  }
}

/**
 * Connect to the cluster's API, starting its daemon (in a fresh node, its pods
 * on `runtime`) if none is running. The runtime is decided, and its images made
 * ready, beforehand (see cli/runtime-setup.ts).
 */
export async function ensureDaemon(paths: ClusterPaths, runtime: RuntimeName = 'native'): Promise<RestApi> {
  if (await isRunning(paths)) return RestApi.connect(paths);
  // Two `emu apply` at once must not start two daemons: one starts it, the other waits.
  const release = await startLock(paths);
  if (release) {
    try {
      if (!(await isRunning(paths))) await startDaemon(paths, runtime);
    } finally {
      await release();
    }
  }
  return RestApi.connect(paths);
}

/** Take the start lock (undefined: another emu started the daemon meanwhile). */
async function startLock(paths: ClusterPaths): Promise<(() => Promise<void>) | undefined> {
  const lock = join(paths.root, 'start.lock');
  await makeClusterDir(paths);
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(lock, 'utf8').catch(() => '0'));
    if (holder && isAlive(holder)) {
      const outcome = await pollUntil('another emu to start the daemon', async () => ((await isRunning(paths)) ? 'running' : isAlive(holder) ? undefined : 'gone'), { timeoutMs: 60_000, intervalMs: 20 });
      if (outcome === 'running') return undefined;
    }
    await rm(lock, { force: true }); // its holder died: stale
  }
}

async function startDaemon(paths: ClusterPaths, runtime: RuntimeName): Promise<void> {
  // Whatever is left in run/ belongs to a daemon that is gone (e.g. SIGKILLed).
  await rm(paths.run, { recursive: true, force: true });
  await mkdir(paths.run, { recursive: true, mode: 0o700 });
  const log = openSync(paths.daemonLog, 'a');
  const { file, args } = nodeCommand(['__daemon']);
  const child = spawn(file, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, EMU_NODE: '1', EMU_CLUSTER: paths.name, EMU_HOME: homeOf(paths), EMU_RUNTIME: runtime },
  });
  closeSync(log);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  // Generous bounds: on a loaded machine, loading the engine alone can take many seconds.
  const nodePid = await waitForOnlyChild(child.pid!, 30_000, () => exited);
  await writeDaemonInfo(paths, { unsharePid: child.pid!, nodePid, runtime });
  await pollUntil(
    'the emu daemon to start',
    async () => {
      if (exited) {
        const tail = (await readFile(paths.daemonLog, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
        throw new EmuError('RUNTIME_FAILED', `the emu daemon exited during start-up:\n${tail}`);
      }
      return (await isRunning(paths)) || undefined;
    },
    { timeoutMs: 120_000, intervalMs: 20 },
  );
  await startGateway(paths);
}

/**
 * The loopback gateway kubectl connects to (see gateway.ts): started once the
 * API answers, gone with the cluster. Resolves when its port is known.
 */
export async function startGateway(paths: ClusterPaths): Promise<number> {
  const info = join(paths.run, 'gateway.json');
  const running = JSON.parse(await readFile(info, 'utf8').catch(() => '{}')) as { pid?: number; port?: number };
  if (running.pid && running.port && isAlive(running.pid)) return running.port;
  await rm(info, { force: true });
  const log = openSync(paths.daemonLog, 'a');
  const child = spawn(process.execPath, [EMU_BIN, '__gateway'], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, EMU_CLUSTER: paths.name, EMU_HOME: homeOf(paths) } });
  closeSync(log);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  return await pollUntil(
    'the API gateway to listen',
    async () => {
      if (exited) throw new EmuError('RUNTIME_FAILED', `the API gateway exited during start-up; see ${paths.daemonLog}`);
      const found = JSON.parse(await readFile(info, 'utf8').catch(() => '{}')) as { port?: number };
      return found.port;
    },
    { timeoutMs: 120_000, intervalMs: 20 },
  );
}

function homeOf(paths: ClusterPaths): string {
  return paths.root.replace(/\/clusters\/[^/]+$/, '');
}

export async function writeDaemonInfo(paths: ClusterPaths, info: DaemonInfo): Promise<void> {
  await mkdir(paths.run, { recursive: true, mode: 0o700 });
  await writeFile(paths.daemonInfo, JSON.stringify(info));
}

export async function readDaemonInfo(paths: ClusterPaths): Promise<DaemonInfo | undefined> {
  try {
    return JSON.parse(await readFile(paths.daemonInfo, 'utf8')) as DaemonInfo;
  } catch {
    return undefined;
  }
}

/** Stop the daemon (graceful pod shutdown), wait until its node is gone, clear run state. */
export async function stopDaemon(paths: ClusterPaths, options: { volumes: boolean }): Promise<boolean> {
  const info = await readDaemonInfo(paths);
  const running = await isRunning(paths);
  // The node's main process stops every pod gracefully on SIGTERM, then exits; the node goes with it.
  if (info && running) signalQuietly(info.nodePid, 'SIGTERM');
  if (info) await pollUntil('the emu daemon to exit', () => (isAlive(info.unsharePid) ? undefined : true), { timeoutMs: 120_000, intervalMs: 20 });
  // The daemon removes its containers as it stops; if it was killed instead, they are still there.
  if (info?.runtime === 'docker') await removeDockerLeftovers(paths);
  await rm(paths.run, { recursive: true, force: true });
  if (options.volumes) await rm(paths.volumes, { recursive: true, force: true });
  return running;
}
