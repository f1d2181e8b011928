import { createWriteStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { IN_PLACE_HOSTS } from '../../network/hosts-file.ts';
import type { Container, ContainerConfig, ContainerExit, ExecSession } from '../container-runtime.ts';
import { DockerExecSession } from './docker-exec.ts';
import { containerName, podLabels } from './docker-names.ts';
import type { DockerSandbox } from './docker-sandbox.ts';

/**
 * A container as the pod needs it, with what GenericContainer has no method
 * for: the pod's PID namespace (shareProcessNamespace), supplementary groups and
 * a read-only root filesystem.
 */
class PodContainer extends GenericContainer {
  withPidMode(mode: string): this {
    this.hostConfig.PidMode = mode;
    return this;
  }

  withGroupAdd(groups: number[]): this {
    if (groups.length > 0) this.hostConfig.GroupAdd = groups.map(String);
    return this;
  }

  withReadonlyRootfs(readOnly: boolean): this {
    if (readOnly) this.hostConfig.ReadonlyRootfs = true;
    return this;
  }
}

/**
 * One run of a container in a Docker pod sandbox, through testcontainers: it
 * joins the pause container's network and IPC namespaces (and so gets its
 * hostname); its volumes are bind mounts; its /etc/hosts is the cluster's hosts
 * file (the copy updated in place, see IN_PLACE_HOSTS: Docker leaves /etc/hosts
 * alone when the container mounts something there) and its resolv.conf the
 * sandbox's. `command` and `args` replace the image's ENTRYPOINT and CMD, as in
 * Kubernetes. Its user, capabilities (exactly the resolved set: all others
 * dropped), no_new_privs and read-only root come from its securityContext. Its
 * output goes to the log file the kubelet reads; once it has exited, the
 * container is removed (the next run is a new container, as in Kubernetes).
 */
export class DockerContainer implements Container {
  readonly exited: Promise<ContainerExit>;

  private constructor(
    private readonly sandbox: DockerSandbox,
    private readonly config: ContainerConfig,
    /** Undefined when it never started. */
    private readonly started: StartedTestContainer | undefined,
    exited: Promise<ContainerExit>,
  ) {
    this.exited = exited;
  }

  /** Never throws: a container that cannot start is returned already exited, its reason in `startError` and in its log. */
  static async start(sandbox: DockerSandbox, config: ContainerConfig): Promise<DockerContainer> {
    const runtime = sandbox.runtime;
    const name = containerName(sandbox.pod, config.name, config.attempt);
    const { security } = config;
    try {
      const image = await runtime.imageFor(config.image);
      const log = createWriteStream(config.logFile, { flags: 'a', mode: 0o600 });
      let container = new PodContainer(image)
        .withName(name)
        .withLabels(podLabels(sandbox.pod, 'container', config.name))
        .withNetworkMode(`container:${sandbox.id}`)
        .withIpcMode(`container:${sandbox.id}`)
        .withEnvironment(Object.fromEntries(config.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])))
        .withUser(`${security.uid}:${security.gid}`)
        .withGroupAdd(security.supplementalGroups)
        .withReadonlyRootfs(security.readOnlyRootFilesystem)
        .withBindMounts([
          { source: join(runtime.dnsDir, IN_PLACE_HOSTS), target: '/etc/hosts', mode: 'ro' },
          { source: sandbox.resolvConf, target: '/etc/resolv.conf', mode: 'ro' },
          ...config.mounts.filter((m) => !m.fromImage).map((m) => ({ source: m.source, target: m.target, mode: m.readOnly ? ('ro' as const) : ('rw' as const) })),
        ])
        .withLogConsumer((stream) => stream.pipe(log))
        .withStartupTimeout(60_000);
      if (security.privileged) container = container.withPrivilegedMode();
      else container = container.withDroppedCapabilities('ALL').withAddedCapabilities(...security.capabilities);
      if (security.noNewPrivileges) container = container.withSecurityOpt('no-new-privileges');
      if (sandbox.config.shareProcessNamespace) container = container.withPidMode(`container:${sandbox.id}`);
      if (config.command) container = container.withEntrypoint(config.command);
      if (config.args) container = container.withCommand(config.args);
      else if (config.command) container = container.withCommand([]); // command without args: the image's CMD goes too
      if (config.workingDir && config.workingDir !== '/') container = container.withWorkingDir(config.workingDir);
      // No wait strategy beyond "started" (no ports are published): readiness is the probes' business, as in Kubernetes.
      const started = await container.start();
      const exited = runtime.waitForExit(started.getId()).then(async (exitCode): Promise<ContainerExit> => {
        await runtime.removeContainer(started.getId());
        return { exitCode };
      });
      return new DockerContainer(sandbox, config, started, exited);
    } catch (error) {
      await runtime.removeContainer(name);
      const message = `cannot start container ${config.name}: ${startFailure(error)}`;
      await appendFile(config.logFile, `emu: ${message}\n`).catch(() => undefined);
      return new DockerContainer(sandbox, config, undefined, Promise.resolve({ exitCode: 128, startError: message }));
    }
  }

  private get id(): string | undefined {
    return this.started?.getId();
  }

  signal(signal: NodeJS.Signals): void {
    if (this.id) void this.sandbox.runtime.signalContainer(this.id, signal);
  }

  async signalAll(signal: NodeJS.Signals): Promise<void> {
    if (this.id) await this.sandbox.runtime.signalContainer(this.id, signal, { all: true });
  }

  /** The image's stop signal (SIGTERM unless its STOPSIGNAL says otherwise), SIGKILL after the grace period. */
  async stop(graceMs: number): Promise<ContainerExit> {
    if (this.id) {
      await this.sandbox.runtime.signalContainer(this.id, 'SIGCONT', { all: true }); // a paused container cannot stop
      await this.started!.stop({ timeout: graceMs, remove: false }).catch(() => undefined);
    }
    return this.exited;
  }

  exec(command: string[]): ExecSession {
    if (!this.id) return DockerExecSession.failed('the container is not running');
    return new DockerExecSession(this.sandbox.runtime.client, this.id, command, { workingDir: this.config.workingDir });
  }

  async execCommandLine(command: string[]): Promise<string[]> {
    return this.sandbox.runtime.execCommandLine(this.id ?? 'none', command);
  }
}

/** The Docker daemon's reason, in one line (it says "OCI runtime create failed: … executable file not found", say). */
function startFailure(error: unknown): string {
  const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message ?? String(error);
  return message.replace(/^\(HTTP code \d+\)[^-]*- /, '').split('\n')[0];
}
