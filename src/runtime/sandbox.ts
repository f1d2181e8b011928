import { execa, type ResultPromise } from 'execa';
import { EmuError } from '../errors.ts';
import { waitForOnlyChild } from '../util/proc.ts';

/**
 * The pod sandbox: one process that holds the pod's UTS, IPC, network, PID and
 * mount namespaces (like Kubernetes' pause container). Its PID 1 sets the
 * hostname and then only reaps orphans. `unshare --fork` ignores SIGTERM, so the
 * sandbox is stopped by SIGKILL to unshare: with --kill-child the whole PID
 * namespace dies with it. unshare stays a direct child of emu so it is reaped at once.
 */
export class Sandbox {
  private constructor(
    private readonly process: ResultPromise,
    /** PID of the namespace's init, as seen from the node: the handle for nsenter. */
    readonly initPid: number,
  ) {}

  static async start(hostname: string): Promise<Sandbox> {
    const init = `echo ${hostname} > /proc/sys/kernel/hostname && while :; do sleep 2147483647 & wait $!; done`;
    const child = execa(
      'unshare',
      ['--uts', '--ipc', '--net', '--pid', '--mount', '--fork', '--kill-child=SIGKILL', '--mount-proc', '--propagation', 'private', 'sh', '-c', init],
      { stdio: 'ignore', reject: false },
    );
    if (!child.pid) throw new EmuError('RUNTIME_FAILED', `could not start the sandbox for pod ${hostname}`);
    try {
      return new Sandbox(child, await waitForOnlyChild(child.pid));
    } catch (error) {
      child.kill('SIGKILL');
      await child;
      throw new EmuError('RUNTIME_FAILED', `the sandbox for pod ${hostname} did not start`, { cause: error });
    }
  }

  /** Resolves when the sandbox is gone, for whatever reason. */
  get exited(): Promise<unknown> {
    return this.process;
  }

  /** nsenter arguments that join this pod's shared namespaces. */
  nsenterArgs(): string[] {
    return ['nsenter', '-t', String(this.initPid), '-u', '-i', '-n', '-p', '-m', '--'];
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.process;
  }
}
