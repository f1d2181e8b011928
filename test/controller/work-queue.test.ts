import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../src/controller/work-queue.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkQueue', () => {
  it('coalesces adds that arrive together, and during a sync, into one more sync', async () => {
    const synced: string[] = [];
    let release!: () => void;
    let first = true;
    const queue = new WorkQueue(async (key) => {
      synced.push(key);
      if (first) {
        first = false;
        await new Promise<void>((r) => (release = r));
      }
    }, () => undefined);
    queue.add('a');
    queue.add('a');
    await Promise.resolve();
    await Promise.resolve();
    queue.add('a');
    queue.add('a');
    expect(synced).toEqual(['a']);
    release();
    await queue.idle();
    expect(synced).toEqual(['a', 'a']);
  });

  it('never runs two syncs of one key at once, but runs different keys side by side', async () => {
    let running = 0;
    let most = 0;
    const queue = new WorkQueue(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    }, () => undefined);
    queue.add('a');
    queue.add('b');
    await Promise.resolve();
    await Promise.resolve();
    queue.add('a');
    await queue.idle();
    expect(most).toBe(2);
  });

  it('retries a failed sync with doubling backoff, and syncs again when asked to', async () => {
    vi.useFakeTimers();
    const times: number[] = [];
    const errors: string[] = [];
    let fail = 2;
    const queue = new WorkQueue(
      () => {
        times.push(Date.now());
        if (fail-- > 0) throw new Error('boom');
        return times.length === 3 ? { requeueAfterMs: 250 } : undefined;
      },
      (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    );
    const start = Date.now();
    queue.add('k');
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(times.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(times.length).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(times.length).toBe(3);
    await vi.advanceTimersByTimeAsync(250);
    expect(times.map((t) => t - start)).toEqual([0, 1000, 3000, 3250]);
    expect(errors).toEqual(['k: boom', 'k: boom']);
    await queue.stop();
  });
});
