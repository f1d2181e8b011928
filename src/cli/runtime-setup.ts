import { byKind } from '../api/resources.ts';
import { RestApi } from '../client/rest-api.ts';
import { isRunning } from '../daemon/launch.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';
import { EmuError } from '../errors.ts';
import { ensureDockerImages } from '../images/docker-build.ts';
import { pullImages } from '../images/pull.ts';
import { NODE_NAME } from '../kubelet/kubelet.ts';
import type { RuntimeName } from '../runtime/container-runtime.ts';
import { keepRuntime, requestedRuntime, runtimeOfVersion } from '../runtime/runtime-choice.ts';
import type { Progress } from '../util/progress.ts';

const NODES = byKind('Node')!;

/** The runtime a running cluster started with (its Node's containerRuntimeVersion); undefined when it is not running. */
export async function runningRuntime(paths: ClusterPaths): Promise<RuntimeName | undefined> {
  if (!(await isRunning(paths))) return undefined;
  const node = await (await RestApi.connect(paths)).find(NODES, undefined, NODE_NAME);
  return runtimeOfVersion((node?.status as { nodeInfo?: { containerRuntimeVersion?: string } } | undefined)?.nodeInfo?.containerRuntimeVersion);
}

/**
 * Before a command starts or uses a cluster: decide its runtime (the running
 * cluster's, which a different request cannot change; else --runtime,
 * EMU_RUNTIME, the scenario's, native) and get these images ready for it —
 * installed on this host (native) or built locally (docker). Whatever is
 * missing (Docker itself, its daemon, root) is one clear error, before
 * anything has started.
 */
export async function prepareRuntime(paths: ClusterPaths, options: { option?: string; scenario?: string; references: string[]; progress: Progress }): Promise<RuntimeName> {
  const requested = requestedRuntime(options.option, options.scenario);
  const running = await runningRuntime(paths);
  const runtime = running ? keepRuntime(paths.name, running, requested) : (requested ?? 'native');
  if (runtime === 'native') {
    await pullImages(options.references, options.progress);
  } else {
    if (process.getuid?.() !== 0) throw new EmuError('PRIVILEGE', 'the Docker runtime needs root (dockerd and the pods it runs are root\'s); run emu as root, or use --runtime native');
    await ensureDockerImages(options.references, options.progress);
  }
  return runtime;
}
