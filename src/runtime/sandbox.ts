import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EmuError } from '../errors.ts';
import type { PodAddress } from '../network/node-network.ts';
import { waitForOnlyChild } from '../util/proc.ts';

/** How a sandbox gets onto the node's network (NodeNetwork in production). */
export interface PodNetwork {
  attachPod(pid: number): Promise<PodAddress>;
  detachPod(ip: string): void;
}

/**
 * The pod's init, PID 1 of its namespaces (the pause container's job): set the
 * hostname (writing /proc saves a process start; in a user namespace only the
 * syscall is allowed, hence the fallback); mount the pod's private /run and /tmp
 * (shared by its containers; one `mount -a` for both);
 * wait for the node to plug eth0 in and configure it from inside (one `ip`
 * instead of an nsenter + ip from outside: process starts are the cost here);
 * report "ready"; then only reap orphans.
 */
const POD_FSTAB = fileURLToPath(new URL('./pod.fstab', import.meta.url));
const INIT = `set -e
{ echo "$1" > /proc/sys/kernel/hostname; } 2>/dev/null || hostname "$1"
mount -a -T "$2"
read ip prefix gateway
printf 'link set lo up\\naddr add %s/%s dev eth0\\nlink set eth0 up\\nroute add default via %s\\n' "$ip" "$prefix" "$gateway" | ip -batch -
echo ready
exec </dev/null >/dev/null
while :; do sleep 2147483647 & wait $!; done`;

/**
 * The pod sandbox: one process that holds the pod's UTS, IPC, network, PID and
 * mount namespaces. `unshare --fork` ignores SIGTERM, so the sandbox is stopped
 * by SIGKILL to unshare: with --kill-child the whole PID namespace dies with it.
 * unshare stays a direct child of emu so it is reaped at once.
 */
export class Sandbox {
  readonly exited: Promise<void>;

  private constructor(
    private readonly process: ChildProcess,
    /** PID of the namespace's init, as seen from the node: the handle for nsenter. */
    readonly initPid: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) return resolve();
      process.once('exit', () => resolve());
      process.once('error', () => resolve());
    });
  }

  /** Start the sandbox and put it on the network; resolves with its address. */
  static async start(hostname: string, network: PodNetwork): Promise<{ sandbox: Sandbox; ip: string }> {
    const child = spawn('unshare', ['--uts', '--ipc', '--net', '--pid', '--mount', '--fork', '--kill-child=SIGKILL', '--mount-proc', '--propagation', 'private', 'sh', '-c', INIT, 'init', hostname, POD_FSTAB], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<void>((resolve, reject) => {
      lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(line))));
      child.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
      child.once('error', reject); // spawn itself failed (EAGAIN, EMFILE…)
    });
    ready.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    let address: PodAddress | undefined;
    try {
      let failed = false;
      ready.catch(() => (failed = true));
      const sandbox = new Sandbox(child, await waitForOnlyChild(child.pid ?? 0, 5000, () => failed));
      if (failed) await ready; // throws the real reason
      address = await network.attachPod(sandbox.initPid);
      child.stdin!.end(`${address.ip} ${address.prefixLength} ${address.gateway}\n`);
      await ready;
      lines.close();
      return { sandbox, ip: address.ip };
    } catch (error) {
      child.kill('SIGKILL');
      if (address) network.detachPod(address.ip);
      throw new EmuError('RUNTIME_FAILED', `the sandbox for pod ${hostname} did not start: ${(error as Error).message}`, { cause: error });
    }
  }

  /** nsenter arguments that join this pod's shared namespaces. */
  nsenterArgs(options: string[] = []): string[] {
    // By absolute path: a container's own PATH must not decide which nsenter runs.
    return ['/usr/bin/nsenter', '-t', String(this.initPid), '-u', '-i', '-n', '-p', '-m', ...options, '--'];
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}
