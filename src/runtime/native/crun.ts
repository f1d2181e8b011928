import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EmuError } from '../../errors.ts';
import { pollUntil } from '../../util/deadline.ts';

/** Where Debian installs crun. */
export const INSTALLED_CRUN = '/usr/bin/crun';

/**
 * crun, the OCI runtime that builds each container. Containers run in the
 * foreground (`crun run`): crun stays the parent of the container's init, exits
 * with its status and cleans its state up, so emu reaps one child per container
 * and learns every exit. No cgroups: emu sets no resource limits.
 */
export class Crun {
  constructor(
    /** crun's state (one directory per live container), private to the cluster. */
    readonly stateDir: string,
    /**
     * The binary to run, by absolute path (a container's PATH never decides).
     * On a read-only mount, crun skips copying itself into memory before each
     * run (its guard against a container overwriting the runtime's binary).
     */
    readonly binary: string,
  ) {}

  static ensureInstalled(): void {
    if (!existsSync(INSTALLED_CRUN)) throw new EmuError('RUNTIME_FAILED', 'emu runs containers with crun, which is not installed; install it: apt-get install crun');
  }

  private global(logFile?: string): string[] {
    return ['--cgroup-manager=disabled', `--root=${this.stateDir}`, ...(logFile ? [`--log=file:${logFile}`] : [])];
  }

  /** Start `crun run` for the bundle; crun's own errors go to `<bundle>/crun.log`, the container's pid to `<bundle>/pid`. */
  run(id: string, bundle: string, stdio: StdioOptions): ChildProcess {
    return spawn(this.binary, [...this.global(join(bundle, 'crun.log')), 'run', '--bundle', bundle, '--pid-file', join(bundle, 'pid'), id], { stdio });
  }

  /** The container's init as the node sees it, once crun has created it (0 if crun ended first). */
  async mainPid(bundle: string, ended: () => boolean): Promise<number> {
    return await pollUntil(
      `crun to create the container in ${bundle}`,
      async () => (ended() ? 0 : Number((await readFile(join(bundle, 'pid'), 'utf8').catch(() => '')) || undefined) || undefined),
      { timeoutMs: 30_000, intervalMs: 1 },
    );
  }

  /** What crun said when it failed (empty when it did not). */
  async failure(bundle: string): Promise<string> {
    return (await readFile(join(bundle, 'crun.log'), 'utf8').catch(() => '')).trim().split('\n')[0] ?? '';
  }

  /** Arguments of `crun exec` for a process described in `processFile`. */
  execArgs(id: string, processFile: string): string[] {
    return [this.binary, ...this.global(), 'exec', '--process', processFile, id];
  }

  /** Drop the state of a container whose crun was killed before it could clean up. */
  async forget(id: string): Promise<void> {
    await rm(join(this.stateDir, id), { recursive: true, force: true });
  }
}
