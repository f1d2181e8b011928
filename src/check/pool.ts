import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { runTask, type TaskKind, type TaskOf, type TaskResults } from './tasks.ts';
import { toWire } from './wire.ts';

/** Where checker tasks run: a pool of worker threads, or this thread. */
export interface TaskRunner {
  readonly threads: number;
  run<K extends TaskKind>(task: TaskOf<K>): Promise<TaskResults[K]>;
  close(): Promise<void>;
}

/**
 * Worker threads (piscina), one per core by default, started once and kept for
 * the pool's life. Workers are TypeScript, loaded through tsx.
 */
export class WorkerPool implements TaskRunner {
  readonly threads: number;
  private readonly piscina: Piscina;

  constructor(threads = availableParallelism()) {
    this.threads = threads;
    this.piscina = new Piscina({
      filename: new URL('./worker.ts', import.meta.url).href,
      // tsx resolved from here, not from the working directory: `emu check` works from anywhere.
      execArgv: ['--import', import.meta.resolve('tsx')],
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
    });
  }

  /** Key groups travel packed in transferred typed arrays (see wire.ts). */
  run<K extends TaskKind>(task: TaskOf<K>): Promise<TaskResults[K]> {
    const { task: wire, transfer } = toWire(task);
    return this.piscina.run(wire, { transferList: transfer }) as Promise<TaskResults[K]>;
  }

  close(): Promise<void> {
    return this.piscina.destroy();
  }
}

/** The same tasks on the calling thread, one after another (a baseline, and for small inputs). */
export class InThreadRunner implements TaskRunner {
  readonly threads = 1;

  async run<K extends TaskKind>(task: TaskOf<K>): Promise<TaskResults[K]> {
    return runTask(task);
  }

  async close(): Promise<void> {}
}
