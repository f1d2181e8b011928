import { readFileSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { readDaemonInfo } from '../../daemon/launch.ts';
import type { ClusterPaths } from '../../engine/cluster-paths.ts';
import { EmuError } from '../../errors.ts';
import { dockerImageTag, PAUSE_RECIPE } from '../../images/docker-recipes.ts';
import type { PodAddress } from '../../network/node-network.ts';
import { insideNode } from '../../node/enter-node.ts';
import { pollUntil } from '../../util/deadline.ts';
import type { ContainerRuntime, PodSandbox, SandboxConfig } from '../container-runtime.ts';
import { removeClusterContainers } from './cleanup.ts';
import { connectDocker, dockerHost, requireImage } from './docker-client.ts';
import { DockerSandbox } from './docker-sandbox.ts';

/** How a Docker sandbox gets onto the node's network (NodeNetwork in production). */
export interface SandboxNetwork {
  reservePod(): PodAddress & { veth: string };
  plugVeth(veth: string): Promise<void>;
  detachPod(ip: string): void;
}

export interface DockerRuntimeOptions {
  paths: ClusterPaths;
  network: SandboxNetwork;
}

/** The node as the pause containers reach it. */
export interface NodeHandle {
  /** The node's init as the host (and dockerd) sees it: /proc/<hostPid>/ns holds its namespaces. */
  hostPid: number;
  /** The inode of the node's network namespace, to check that hostPid is really ours. */
  netnsInode: number;
}

/**
 * The Docker runtime: each pod is a pause container plus one container per
 * container run, on a Docker daemon through testcontainers, from real images
 * (built locally by `emu pull --runtime docker` where no registry is reachable).
 * Everything it creates carries the cluster's label: `close` (the cluster's
 * shutdown), `emu down`, and the next start after emu was killed remove it all.
 *
 * Unlike the native runtime's, containers run with Docker's isolation: ids are
 * the host's (no user namespace per pod), capabilities as resolved from the
 * securityContext, the image's own root filesystem.
 */
export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  readonly imageFiles = 'image';

  private constructor(
    readonly client: ContainerRuntimeClient,
    readonly version: string,
    /** The label value that marks this cluster's containers: its directory, unique on this machine. */
    readonly cluster: string,
    readonly network: SandboxNetwork,
    readonly node: NodeHandle,
    /** Per-sandbox files bind-mounted into containers (resolv.conf). */
    readonly stateDir: string,
    readonly dnsDir: string,
  ) {}

  static async create(options: DockerRuntimeOptions): Promise<DockerRuntime> {
    if (!insideNode()) throw new EmuError('RUNTIME_FAILED', 'the Docker runtime runs only inside an emu node (see node/enter-node.ts)');
    if (!/^\s*0\s+0\s+4294967295\s*$/.test(readFileSync('/proc/self/uid_map', 'utf8'))) {
      throw new EmuError('PRIVILEGE', 'the Docker runtime needs emu to run as root (its pods join the node through a root-owned dockerd); run emu as root, or use --runtime native');
    }
    const client = await connectDocker();
    await requireImage(client, PAUSE_RECIPE.tag);
    const { paths } = options;
    const node = await nodeHandle(paths);
    const stateDir = join(paths.run, 'docker');
    await mkdir(stateDir, { recursive: true });
    const runtime = new DockerRuntime(client, `docker://${client.info.containerRuntime.serverVersion}`, paths.root, options.network, node, stateDir, paths.dns);
    // What a run of this cluster that was killed outright left behind.
    await removeClusterContainers(client, runtime.cluster);
    return runtime;
  }

  runPodSandbox(config: SandboxConfig): Promise<PodSandbox> {
    return DockerSandbox.start(this, config);
  }

  /** Every container of this cluster still on the daemon (the pods have stopped by now). */
  async close(): Promise<void> {
    await removeClusterContainers(this.client, this.cluster);
    await rm(this.stateDir, { recursive: true, force: true });
  }

  /** The local tag (or, for images emu does not build, the reference itself) that an image reference runs as. */
  async imageFor(reference: string): Promise<string> {
    const tag = dockerImageTag(reference);
    if (tag !== reference) await requireImage(this.client, tag);
    else if (!(await this.client.image.exists(ImageName.fromString(tag)))) await this.client.image.pull(ImageName.fromString(tag));
    return tag;
  }

  /** The container's exit code once it has exited (or 137 if it is gone without one). */
  async waitForExit(id: string): Promise<number> {
    try {
      const result = (await this.client.container.getById(id).wait()) as { StatusCode: number };
      return result.StatusCode;
    } catch {
      return 137;
    }
  }

  /** What a container has printed so far (stdout and stderr). */
  async logsOf(id: string): Promise<string> {
    const raw = (await this.client.container.getById(id).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return demultiplex(raw);
  }

  /**
   * Signal a container: its main process (`docker kill -s`), or with `all`
   * every process in it — SIGSTOP/SIGCONT as Docker's pause/unpause (the
   * freezer), SIGKILL to the main process (the container's PID namespace dies
   * with it), other signals to the main process and, from inside, to the rest.
   */
  async signalContainer(id: string, signal: NodeJS.Signals, options: { all?: boolean } = {}): Promise<void> {
    const container = this.client.container.getById(id);
    const quietly = (work: Promise<unknown>) => work.catch(() => undefined);
    if (options.all && signal === 'SIGSTOP') return void (await quietly(container.pause()));
    if (options.all && signal === 'SIGCONT') {
      const paused = await this.client.container.inspect(container).then((i) => i.State.Paused, () => false);
      if (paused) await quietly(container.unpause());
      return;
    }
    if (options.all && signal !== 'SIGKILL') await quietly(this.client.container.exec(container, ['sh', '-c', `kill -s ${signal.slice(3)} -1`]));
    await quietly(container.kill({ signal }));
  }

  async removeContainer(idOrName: string): Promise<void> {
    await this.client.container.getById(idOrName).remove({ force: true }).catch(() => undefined);
  }

  /** `docker exec -i` of a command, for the node's own terminal (emu exec). */
  execCommandLine(id: string, command: string[]): string[] {
    return ['docker', '-H', dockerHost(), 'exec', '-i', id, ...command];
  }
}

/** The node's host PID (written by whoever started the node, see daemon/launch.ts) and our network namespace's inode. */
async function nodeHandle(paths: ClusterPaths): Promise<NodeHandle> {
  const netnsInode = statSync('/proc/self/ns/net').ino;
  const hostPid = await pollUntil('the node\'s host PID in daemon.json', async () => (await readDaemonInfo(paths))?.nodePid, { timeoutMs: 10_000, intervalMs: 10 });
  return { hostPid, netnsInode };
}

/** Docker's log stream without a TTY: frames of [stream, 0, 0, 0, size (4 bytes, big-endian)] + payload. */
export function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
