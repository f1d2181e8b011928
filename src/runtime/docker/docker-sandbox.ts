import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { EmuError } from '../../errors.ts';
import { PAUSE_RECIPE } from '../../images/docker-recipes.ts';
import type { PodAddress } from '../../network/node-network.ts';
import { podLabels, sandboxName, type PodIdentity } from './docker-names.ts';
import { requireImage } from './docker-client.ts';

/** How a Docker sandbox gets onto the node's network (NodeNetwork in production). */
export interface SandboxNetwork {
  reservePod(): PodAddress & { veth: string };
  plugVeth(veth: string): Promise<void>;
  detachPod(ip: string): void;
}

export interface DockerSandboxOptions {
  pod: PodIdentity;
  hostname: string;
  /**
   * The node's PID as the host — and so dockerd — sees it. /proc/<pid>/ns of a
   * node process is how the pause container finds the node's network namespace.
   */
  nodeHostPid: number;
  network: SandboxNetwork;
}

/** Where the pause container sees the node's namespaces (read by docker/pause/pause.sh). */
const NODE_NS_MOUNT = '/run/emu/node-ns';

/**
 * A pod sandbox on Docker: the pause container, holding the pod's network and
 * IPC namespaces, with hostname = pod name (Docker gives containers that join
 * its network the same hostname).
 *
 * Networking, and why this way: pods must be on the node's bridge (emu0,
 * 10.244.0.0/16) with emu's addresses, exactly as native pods are, so that
 * emu's DNS, service proxies and scenario code reach them unchanged; and the
 * host's network must not change. Docker's own networks cannot do that: its
 * bridges live in dockerd's network namespace, not the node's, and a daemon
 * shared by several clusters cannot hold each cluster's emu0. So the pause
 * container starts with network none (a fresh namespace holding only lo), and
 * plugs itself in: given the node's /proc/<pid>/ns read-only (that takes
 * CAP_SYS_PTRACE, as the node is not its own process) and CAP_NET_ADMIN, it
 * creates eth0 with the veth peer inside the node's namespace and configures the
 * address emu reserved; emu then puts the peer on the bridge. Its capabilities
 * are dropped once that is done; app containers get Docker's default set. When
 * the pause container goes, its namespace and the veth pair go with it.
 */
export class DockerSandbox {
  private constructor(
    readonly pod: PodIdentity,
    readonly ip: string,
    private readonly container: StartedTestContainer,
    private readonly network: SandboxNetwork,
  ) {}

  get id(): string {
    return this.container.getId();
  }

  static async run(client: ContainerRuntimeClient, options: DockerSandboxOptions): Promise<DockerSandbox> {
    await requireImage(client, PAUSE_RECIPE.tag);
    const address = options.network.reservePod();
    let started: StartedTestContainer | undefined;
    try {
      started = await new GenericContainer(PAUSE_RECIPE.tag)
        .withName(sandboxName(options.pod))
        .withLabels(podLabels(options.pod, 'sandbox'))
        .withHostname(options.hostname)
        .withNetworkMode('none')
        .withIpcMode('shareable')
        .withAddedCapabilities('NET_ADMIN', 'SYS_PTRACE')
        .withBindMounts([{ source: `/proc/${options.nodeHostPid}/ns`, target: NODE_NS_MOUNT, mode: 'ro' }])
        .withEnvironment({
          EMU_VETH: address.veth,
          EMU_POD_IP: address.ip,
          EMU_POD_PREFIX: String(address.prefixLength),
          EMU_GATEWAY: address.gateway,
        })
        .withWaitStrategy(Wait.forLogMessage(/^ready$/m))
        .withStartupTimeout(30_000)
        .start();
      await options.network.plugVeth(address.veth);
      return new DockerSandbox(options.pod, address.ip, started, options.network);
    } catch (error) {
      await started?.stop({ timeout: 0 }).catch(() => undefined);
      options.network.detachPod(address.ip);
      throw new EmuError('RUNTIME_FAILED', `the sandbox for pod ${options.pod.name} did not start: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }

  /** Remove the pause container (its network namespace and veth go with it) and free the address. */
  async remove(): Promise<void> {
    await this.container.stop({ timeout: 0, remove: true }).catch(() => undefined);
    this.network.detachPod(this.ip);
  }
}
