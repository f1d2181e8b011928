import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { EmuError } from '../../errors.ts';
import { PAUSE_RECIPE } from '../../images/docker-recipes.ts';
import { networkCommandFailed, type Container, type ContainerConfig, type PodSandbox, type SandboxConfig } from '../container-runtime.ts';
import { collectSession } from '../exec.ts';
import { DockerContainer } from './docker-container.ts';
import { DockerExecSession } from './docker-exec.ts';
import { podLabels, sandboxName, type PodIdentity } from './docker-names.ts';
import type { DockerRuntime } from './docker-runtime.ts';

/** Where the pause container sees the node's namespaces (read by docker/pause/pause.sh). */
const NODE_NS_MOUNT = '/run/emu/node-ns';
/** How long an nft or tc command in the pod's network may take (the daemon answers in milliseconds). */
const NETWORK_COMMAND_TIMEOUT_MS = 15_000;

/**
 * A pod sandbox on Docker: the pause container, holding the pod's network and
 * IPC namespaces (and, with shareProcessNamespace, its PID namespace), with
 * hostname = pod name (Docker gives containers that join its network the same
 * hostname).
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
 * address emu reserved; emu then puts the peer on the bridge. Its process drops
 * its capabilities once that is done; the container keeps them, so an exec in
 * it can still change the namespace (chaos's nft and tc, see runInNetwork). When the pause container goes, its namespace
 * and the veth pair go with it.
 */
export class DockerSandbox implements PodSandbox {
  readonly exited: Promise<void>;
  private readonly containers = new Set<DockerContainer>();
  private removed?: Promise<void>;

  private constructor(
    readonly runtime: DockerRuntime,
    readonly config: SandboxConfig,
    readonly pod: PodIdentity,
    readonly ip: string,
    /** The sandbox's own files (resolv.conf), bind-mounted into its containers. */
    readonly dir: string,
    private readonly pause: StartedTestContainer,
  ) {
    this.exited = runtime.waitForExit(pause.getId()).then(() => undefined);
  }

  /**
   * An exec in the pause container, which holds the pod's network namespace:
   * the container keeps NET_ADMIN in its configuration, so an exec'd process
   * has it even though the pause process itself dropped every capability. The
   * pause image carries nft and tc for this (chaos's partition and netem).
   */
  async runInNetwork(command: string[], input?: string): Promise<void> {
    const session = new DockerExecSession(this.runtime.client, this.id, command, { stdin: input !== undefined });
    const result = await collectSession(session, NETWORK_COMMAND_TIMEOUT_MS, input);
    if (result.exitCode !== 0) throw networkCommandFailed(command, result.timedOut ? `no answer within ${NETWORK_COMMAND_TIMEOUT_MS / 1000}s` : result.stderr || result.stdout || `exit code ${result.exitCode}`);
  }

  get id(): string {
    return this.pause.getId();
  }

  get resolvConf(): string {
    return join(this.dir, 'resolv.conf');
  }

  static async start(runtime: DockerRuntime, config: SandboxConfig): Promise<DockerSandbox> {
    const pod: PodIdentity = { cluster: runtime.cluster, namespace: config.namespace, name: config.name, uid: config.id };
    const address = runtime.network.reservePod();
    const dir = join(runtime.stateDir, config.id);
    let started: StartedTestContainer | undefined;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'resolv.conf'), config.resolvConf, { mode: 0o644 });
      started = await new GenericContainer(PAUSE_RECIPE.tag)
        .withName(sandboxName(pod))
        .withLabels(podLabels(pod, 'sandbox'))
        .withHostname(config.hostname)
        .withNetworkMode('none')
        .withIpcMode('shareable')
        .withAddedCapabilities('NET_ADMIN', 'SYS_PTRACE')
        .withBindMounts([{ source: `/proc/${runtime.node.hostPid}/ns`, target: NODE_NS_MOUNT, mode: 'ro' }])
        .withEnvironment({
          EMU_NODE_NETNS: String(runtime.node.netnsInode),
          EMU_VETH: address.veth,
          EMU_POD_IP: address.ip,
          EMU_POD_PREFIX: String(address.prefixLength),
          EMU_GATEWAY: address.gateway,
        })
        .withWaitStrategy(Wait.forLogMessage(/^(ready|emu-pause: .*)$/m))
        .withStartupTimeout(30_000)
        .start();
      const failure = (await runtime.logsOf(started.getId())).match(/^emu-pause: (.*)$/m);
      if (failure) throw new Error(failure[1]);
      await runtime.network.plugVeth(address.veth);
      return new DockerSandbox(runtime, config, pod, address.ip, dir, started);
    } catch (error) {
      await runtime.removeContainer(started?.getId() ?? sandboxName(pod));
      runtime.network.detachPod(address.ip);
      await rm(dir, { recursive: true, force: true });
      throw new EmuError('RUNTIME_FAILED', `the sandbox for pod ${config.name} did not start: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }

  async startContainer(config: ContainerConfig): Promise<Container> {
    const container = await DockerContainer.start(this, config);
    this.containers.add(container);
    void container.exited.then(() => this.containers.delete(container));
    return container;
  }

  /**
   * Every process of the pod: SIGSTOP and SIGCONT pause and resume each
   * container (Docker's freezer: all its processes at once, as the chaos pause
   * means); other signals go to every container and then the pause container,
   * so SIGKILL ends the sandbox too, and the pod fails as a native one does.
   */
  async signalAll(signal: NodeJS.Signals): Promise<void> {
    await Promise.all([...this.containers].map((c) => c.signalAll(signal)));
    await this.runtime.signalContainer(this.id, signal);
  }

  /** Kill whatever is left of the pod, remove the pause container (its namespace and veth go with it), free the address. */
  remove(): Promise<void> {
    this.removed ??= (async () => {
      await Promise.all([...this.containers].map((c) => c.stop(0)));
      await this.runtime.removeContainer(this.id);
      await this.exited;
      this.runtime.network.detachPod(this.ip);
      await rm(this.dir, { recursive: true, force: true });
    })();
    return this.removed;
  }
}
