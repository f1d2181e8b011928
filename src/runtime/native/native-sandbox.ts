import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { EmuError } from '../../errors.ts';
import type { PodAddress } from '../../network/node-network.ts';
import { signalQuietly } from '../../util/proc.ts';
import { networkCommandFailed, type Container, type ContainerConfig, type PodSandbox, type SandboxConfig } from '../container-runtime.ts';
import { NativeContainer } from './native-container.ts';
import type { NativeRuntime } from './native-runtime.ts';
import { namespaceOf, signalNamespace } from './namespace-processes.ts';
import { sandboxConfig, type IdRange } from './oci-config.ts';
import type { SpawnedProcess } from './spawner.ts';

/** How a sandbox gets onto the node's network (NodeNetwork in production). */
export interface PodNetwork {
  attachPod(pid: number): Promise<PodAddress>;
  detachPod(ip: string): void;
}

/**
 * A pod's sandbox: a small container (crun) whose init holds the pod's network,
 * IPC, UTS, PID, mount and — unless the pod uses host ids — user namespaces;
 * its containers join them. Its crun is started, and reaped, by the spawner (see spawner.ts).
 */
export class NativeSandbox implements PodSandbox {
  readonly exited: Promise<void>;
  private removed?: Promise<void>;

  private constructor(
    readonly runtime: NativeRuntime,
    readonly config: SandboxConfig,
    private readonly crun: SpawnedProcess,
    readonly id: string,
    /** Bundles and layers of this sandbox and its containers. */
    readonly dir: string,
    /** The sandbox's init as the node sees it: containers join its namespaces. */
    readonly pid: number,
    readonly ids: IdRange | undefined,
    readonly address: PodAddress,
    private readonly netns: string | undefined,
  ) {
    this.exited = new Promise<void>((resolve) => {
      if (crun.exitCode !== null || crun.signalCode !== null) return resolve();
      crun.once('exit', () => resolve());
    }).then(() => {
      this.gone = true;
    });
  }

  get ip(): string {
    return this.address.ip;
  }

  /** nsenter into the sandbox init's network namespace through /proc, only while it runs (afterwards the PID may be someone else's). */
  async runInNetwork(command: string[], input?: string): Promise<void> {
    if (this.gone) throw networkCommandFailed(command, 'the pod\'s sandbox is gone');
    const result = await execa('nsenter', [`--net=/proc/${this.pid}/ns/net`, ...command], { input, reject: false });
    if (result.exitCode !== 0) throw networkCommandFailed(command, result.stderr || result.stdout);
  }

  private gone = false;

  /** Start the sandbox and put it on the network. */
  static async start(runtime: NativeRuntime, config: SandboxConfig): Promise<NativeSandbox> {
    const dir = runtime.sandboxDir(config.id);
    const bundle = join(dir, 'sandbox');
    const id = `${config.id}-sandbox`;
    mkdirSync(bundle, { recursive: true });
    chmodSync(dir, 0o711); // root in the pod must reach its containers' layers
    const ids = config.hostUsers ? undefined : runtime.allocateIds();
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(sandboxConfig({ hostname: config.hostname, rootfs: runtime.sandboxRootfs, ids, shareProcessNamespace: config.shareProcessNamespace })));
    const child = runtime.crun.run(id, bundle, { stdin: 'pipe', stdout: 'pipe', stderr: { path: join(bundle, 'sandbox.log') } });
    let ended = false;
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve, reject) => {
      lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(line))));
      child.once('exit', (code) => {
        ended = true;
        reject(new Error(`exited with code ${code}`));
      });
      child.once('error', reject); // spawn itself failed (EAGAIN, EMFILE…)
    });
    ready.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    let address: PodAddress | undefined;
    try {
      const pid = await runtime.crun.mainPid(bundle, () => ended);
      if (!pid) await ready; // throws why
      const netns = await namespaceOf(pid, 'net');
      address = await runtime.network.attachPod(pid);
      // stdin stays open: the sandbox's init waits on it (see SANDBOX_INIT).
      child.stdin!.write(`${address.ip} ${address.prefixLength} ${address.gateway}\n`);
      await ready;
      lines.close();
      return new NativeSandbox(runtime, config, child, id, dir, pid, ids, address, netns);
    } catch (error) {
      child.kill('SIGKILL');
      if (address) runtime.network.detachPod(address.ip);
      if (ids) runtime.releaseIds(ids);
      const reason = (await runtime.crun.failure(bundle)) || (error as Error).message;
      await rm(dir, { recursive: true, force: true });
      throw new EmuError('RUNTIME_FAILED', `the sandbox for pod ${config.hostname} did not start: ${reason}`, { cause: error });
    }
  }

  startContainer(config: ContainerConfig): Promise<Container> {
    return NativeContainer.start(this, config);
  }

  async signalAll(signal: NodeJS.Signals): Promise<void> {
    await signalNamespace('net', this.netns, signal);
    signalQuietly(this.pid, signal);
  }

  /** Whatever still runs in the pod is killed; the network address and ids go back to their pools. */
  remove(): Promise<void> {
    this.removed ??= (async () => {
      // The containers are stopped by now, their processes gone with their PID
      // namespaces; with a shared one, they all die with the sandbox's init.
      signalQuietly(this.pid, 'SIGKILL');
      await this.exited; // crun exits once the sandbox's init is gone
      await this.runtime.crun.forget(this.id);
      this.runtime.network.detachPod(this.address.ip);
      if (this.ids) this.runtime.releaseIds(this.ids);
      // The containers' writable layers go with the pod (in the background: nothing uses them now).
      void rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
    })();
    return this.removed;
  }
}
