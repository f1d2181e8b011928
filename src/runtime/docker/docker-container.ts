import { GenericContainer, type ContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IN_PLACE_HOSTS } from '../../network/hosts-file.ts';
import { dockerRecipe } from '../../images/docker-recipes.ts';
import type { VolumeMount } from '../container-runtime.ts';
import { requireImage } from './docker-client.ts';
import { containerName, podLabels } from './docker-names.ts';
import type { DockerSandbox } from './docker-sandbox.ts';

export interface DockerContainerSpec {
  name: string;
  /** The manifest's image reference; docker-recipes.ts maps it to the local image. */
  image: string;
  /** Kubernetes `command` (replaces the image's entrypoint) and `args` (replace its cmd). */
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  workingDir?: string;
  mounts: VolumeMount[];
  /** The directory holding the cluster's hosts file. */
  dnsDir: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * One run of a container in a Docker pod sandbox: it joins the pause
 * container's network and IPC namespaces (and so gets its hostname), its
 * volumes are bind mounts, and its /etc/hosts is the cluster's hosts file
 * (the copy updated in place: see IN_PLACE_HOSTS; Docker leaves /etc/hosts
 * alone when the container mounts something there), and its resolv.conf names
 * no server, so that other names fail at once, as in native pods (Docker's
 * copy of the host's would time out). Like native pods, /tmp and /run are
 * private tmpfs.
 */
export class DockerContainer {
  /** The container's exit code, once it has exited. */
  readonly exited: Promise<number>;

  private constructor(
    private readonly client: ContainerRuntimeClient,
    private readonly container: StartedTestContainer,
  ) {
    this.exited = client.container.dockerode
      .getContainer(container.getId())
      .wait()
      .then((result: { StatusCode: number }) => result.StatusCode);
  }

  get id(): string {
    return this.container.getId();
  }

  static async start(client: ContainerRuntimeClient, sandbox: DockerSandbox, spec: DockerContainerSpec, attempt = 0): Promise<DockerContainer> {
    const image = dockerRecipe(spec.image).tag;
    await requireImage(client, image);
    const resolvConf = join(spec.dnsDir, 'resolv.conf');
    await writeFile(resolvConf, '# emu: no DNS server; cluster names come from /etc/hosts\n', { flag: 'wx' }).catch(() => undefined);
    let container = new GenericContainer(image)
      .withName(containerName(sandbox.pod, spec.name, attempt))
      .withLabels(podLabels(sandbox.pod, 'container', spec.name))
      .withNetworkMode(`container:${sandbox.id}`)
      .withIpcMode(`container:${sandbox.id}`)
      .withEnvironment(spec.env)
      .withTmpFs({ '/tmp': 'rw,nosuid,nodev,exec,mode=1777', '/run': 'rw,nosuid,nodev,mode=755' })
      .withBindMounts([
        { source: join(spec.dnsDir, IN_PLACE_HOSTS), target: '/etc/hosts', mode: 'ro' },
        { source: resolvConf, target: '/etc/resolv.conf', mode: 'ro' },
        ...spec.mounts.map((m) => ({ source: m.source, target: m.target, mode: m.readOnly ? ('ro' as const) : ('rw' as const) })),
      ]);
    // No wait strategy beyond "started" (it exposes no ports): readiness is the probes' business, as in Kubernetes.
    if (spec.command && spec.command.length > 0) container = container.withEntrypoint(spec.command);
    if (spec.args && spec.args.length > 0) container = container.withCommand(spec.args);
    if (spec.workingDir) container = container.withWorkingDir(spec.workingDir);
    return new DockerContainer(client, await container.start());
  }

  /** Run a command in the container; its exit code and output. */
  async exec(command: string[]): Promise<ExecResult> {
    const result = await this.container.exec(command);
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  /** Everything the container wrote to stdout and stderr so far, in order. */
  async logs(): Promise<string> {
    const raw = await this.client.container.dockerode.getContainer(this.id).logs({ stdout: true, stderr: true, follow: false });
    return demultiplex(raw as unknown as Buffer);
  }

  /** The image's stop signal (SIGTERM unless it says otherwise), SIGKILL after the grace period; then remove it. */
  async stop(graceMs: number): Promise<number> {
    await this.client.container.dockerode.getContainer(this.id).stop({ t: Math.ceil(graceMs / 1000) }).catch(() => undefined);
    const exitCode = await this.exited;
    await this.container.stop({ timeout: 0, remove: true }).catch(() => undefined);
    return exitCode;
  }
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
