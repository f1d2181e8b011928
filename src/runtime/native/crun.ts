import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EmuError } from '../../errors.ts';
import { Spawner, type SpawnedProcess, type SpawnIo } from './spawner.ts';

/** Where Debian installs crun. */
export const INSTALLED_CRUN = '/usr/bin/crun';

/**
 * crun, the OCI runtime that builds each container. Containers run in the
 * foreground (`crun run`): crun stays the parent of the container's init, exits
 * with its status and cleans its state up, so one process per container is
 * reaped (by the spawner, which starts them) and every exit is learnt. No
 * cgroups: emu sets no resource limits.
 */
export class Crun {
  private readonly spawner = new Spawner();

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
  run(id: string, bundle: string, io: SpawnIo): SpawnedProcess {
    return this.spawner.spawn(this.binary, [...this.global(join(bundle, 'crun.log')), 'run', '--bundle', bundle, '--pid-file', join(bundle, 'pid'), id], io);
  }

  /** Stop starting processes (those running go on until the node goes). */
  close(): void {
    this.spawner.close();
  }

  /**
   * The container's init as the node sees it, once crun has created it (0 if
   * crun ended first). Read again whenever the pid file changes (inotify on
   * the bundle), and every 50 ms besides (every 2 ms without inotify).
   */
  async mainPid(bundle: string, ended: () => boolean): Promise<number> {
    let changed = false;
    let wake: (() => void) | undefined;
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(bundle, (_event, file) => {
        if (file !== null && file !== 'pid') return;
        changed = true;
        wake?.();
      });
      watcher.on('error', () => undefined); // the bundle went with a failed start: the polls see crun end
    } catch {
      // No inotify watch to be had (the user's limit reached): polling alone, more often.
    }
    const interval = watcher ? 50 : 2;
    const deadline = Date.now() + 30_000;
    try {
      for (;;) {
        changed = false;
        if (ended()) return 0;
        const pid = Number(await readFile(join(bundle, 'pid'), 'utf8').catch(() => ''));
        if (pid > 0) return pid;
        if (Date.now() > deadline) throw new EmuError('TIMEOUT', `timed out after 30 s waiting for crun to create the container in ${bundle}`);
        // A change while the file was being read is not missed: `changed` says so.
        if (!changed) await new Promise<void>((resolve) => setTimeout((wake = resolve), interval));
        wake = undefined;
      }
    } finally {
      watcher?.close();
    }
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
