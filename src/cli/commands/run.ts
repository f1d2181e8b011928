import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { isRunning, writeDaemonInfo } from '../../daemon/launch.ts';
import { EmuError } from '../../errors.ts';
import { pullImages } from '../../images/pull.ts';
import { nodeCommand } from '../../node/enter-node.ts';
import { loadScenario } from '../../scenario/load-scenario.ts';
import { terminalProgress } from '../../util/progress.ts';
import { signalQuietly, waitForOnlyChild } from '../../util/proc.ts';
import { imagesOf } from '../images-of.ts';
import { plan, scheduleJson, type Schedule } from '../../chaos/plan.ts';
import { drawSeed, parseSeed } from '../../chaos/random.ts';
import type { LoadedManifest } from '../../manifest/types.ts';

/**
 * emu run FILE: validate the scenario and its manifests and pull images here,
 * before anything starts; then run it inside a fresh node (see run-in-node.ts).
 * Ctrl-C asks the node to stop gracefully; if this process is killed outright,
 * the node sees its stdin close and stops by itself.
 */
export async function runCommand(file: string, options: { json?: boolean | string; keep?: boolean; seed?: string; plan?: boolean }): Promise<number> {
  const { scenario, manifests } = await loadScenario(file);
  const seed = options.seed === undefined ? undefined : parseSeed(options.seed, '--seed');
  // A declared schedule is checked before anything starts (and is all --plan prints).
  if (scenario.chaos) {
    const schedule = plan(seed ?? scenario.chaos.seed ?? drawSeed(), scenario.chaos);
    checkTargetsInManifests(schedule, manifests);
    if (options.plan) {
      process.stdout.write(scheduleJson(schedule));
      return 0;
    }
  } else if (options.plan) {
    throw new EmuError('SCENARIO_INVALID', `${file}: declares no chaos schedule to print (defineScenario({ chaos: { pods, faults, interval, duration } }))`);
  }
  await pullImages(imagesOf(manifests), options.json === true ? { update() {}, done() {} } : terminalProgress());
  // Each scenario runs in a cluster of its own (named after the file unless
  // --cluster says otherwise), so a run never touches a cluster the user keeps.
  const paths = clusterPaths(process.env.EMU_CLUSTER || scenarioClusterName(file));
  if (await isRunning(paths)) {
    throw new EmuError('CLUSTER_RUNNING', `cluster "${paths.name}" is already running; stop it with emu down, or pass --cluster NAME`);
  }
  const args = ['__run-scenario', file, ...(options.json === true ? ['--json'] : typeof options.json === 'string' ? ['--json', options.json] : []), ...(options.keep ? ['--keep'] : []), ...(seed === undefined ? [] : ['--seed', String(seed)])];
  const { file: unshare, args: unshareArgs } = nodeCommand(args);
  // With --keep the node outlives us, so it must not hold our stdout/stderr: we
  // relay its output until it reports the end, then let go of the pipes.
  const output = options.keep ? 'pipe' : 'inherit';
  const child = spawn(unshare, unshareArgs, {
    detached: true, // its own process group: Ctrl-C reaches only us, and we stop it gracefully
    stdio: ['pipe', output, output, 'pipe'],
    env: { ...process.env, EMU_NODE: '1', EMU_CLUSTER: paths.name, ...(process.stderr.isTTY ? { EMU_PROGRESS_TTY: '1' } : {}) },
  });
  child.stdout?.pipe(process.stdout, { end: false });
  child.stderr?.pipe(process.stderr, { end: false });
  const nodePid = await waitForOnlyChild(child.pid!, 10_000).catch(() => undefined);
  // Like the daemon's: lets `emu exec` reach the scenario's pods while it runs (and with --keep).
  if (nodePid) await writeDaemonInfo(paths, { unsharePid: child.pid!, nodePid });
  const stop = () => signalQuietly(nodePid, 'SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return await new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1));
    createInterface({ input: child.stdio[3] as Readable }).once('line', (line) => {
      // --keep: the node stays up serving the cluster; we are done.
      for (const stream of child.stdio) (stream as { destroy?: () => void } | null)?.destroy?.();
      child.unref();
      resolve((JSON.parse(line) as { exitCode: number }).exitCode);
    });
  });
}

export function scenarioClusterName(file: string): string {
  const base = basename(file).replace(/\.[cm]?[jt]s$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return (base || 'scenario').slice(0, 40);
}

/** Every target of the schedule must be a pod of the scenario's StatefulSets. */
function checkTargetsInManifests(schedule: Schedule, manifests: LoadedManifest[]): void {
  const pods = manifests
    .filter((m) => m.object.kind === 'StatefulSet')
    .flatMap((m) => {
      const spec = (m.object as { spec?: { replicas?: number; ordinals?: { start?: number } } }).spec;
      const start = spec?.ordinals?.start ?? 0;
      return Array.from({ length: spec?.replicas ?? 1 }, (_, i) => `${m.object.metadata.name}-${start + i}`);
    });
  const missing = [...new Set(schedule.faults.flatMap((f) => f.targets))].filter((t) => !pods.includes(t));
  if (missing.length) throw new EmuError('CHAOS_INVALID', `chaos: targets match no pod: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not among the scenario's pods (${pods.join(', ') || 'none'})`);
}
