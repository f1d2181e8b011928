/**
 * A controller's work queue (client-go's workqueue, per key): every change
 * adds the key of the object concerned; syncs of one key never overlap, adds
 * that arrive during a sync coalesce into one more sync afterwards, a failed
 * sync is retried with exponential backoff, and a sync may ask to run again
 * after a while (a pod becoming available after minReadySeconds, a progress
 * deadline).
 */

/** What a sync reports besides success: when to look again. */
export interface SyncResult {
  requeueAfterMs?: number;
}

export type SyncHandler = (key: string) => SyncResult | void | Promise<SyncResult | void>;

// Retry delays after a failed sync, like the workqueue's per-item exponential backoff.
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

interface Item {
  /** A sync is wanted and has not started yet. */
  pending: boolean;
  running?: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
  backoffMs: number;
}

export class WorkQueue {
  private readonly items = new Map<string, Item>();
  private stopped = false;

  constructor(
    private readonly sync: SyncHandler,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    let item = this.items.get(key);
    if (!item) this.items.set(key, (item = { pending: false, backoffMs: FIRST_BACKOFF_MS }));
    item.pending = true;
    item.running ??= this.drain(key, item);
  }

  /** Resolves when no sync is running or queued (a pending timer does not count). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.items.values()].flatMap((i) => (i.running ? [i.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const item of this.items.values()) clearTimeout(item.timer);
    await this.idle();
  }

  private async drain(key: string, item: Item): Promise<void> {
    await Promise.resolve(); // let a burst of synchronous adds coalesce into one sync
    try {
      while (item.pending && !this.stopped) {
        item.pending = false;
        await this.run(key, item);
      }
    } finally {
      item.running = undefined;
      if (!item.timer && !item.pending) this.items.delete(key);
    }
  }

  private async run(key: string, item: Item): Promise<void> {
    clearTimeout(item.timer);
    item.timer = undefined;
    let delay: number | undefined;
    try {
      delay = (await this.sync(key))?.requeueAfterMs;
      item.backoffMs = FIRST_BACKOFF_MS;
    } catch (error) {
      this.onError(key, error);
      delay = Math.min(delay ?? Infinity, item.backoffMs);
      item.backoffMs = Math.min(item.backoffMs * 2, MAX_BACKOFF_MS);
    }
    if (delay === undefined || this.stopped) return;
    item.timer = setTimeout(() => {
      item.timer = undefined;
      this.add(key);
    }, delay);
  }
}
