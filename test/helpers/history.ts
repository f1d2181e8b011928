import type { Key, Operation, ProcessId } from '../../src/history/operation.ts';

/**
 * Hand-written histories for checker tests: each call appends one operation, a
 * completion repeats its process's open f and key. Times are 1 µs per index.
 *
 *   const h = new HistoryBuilder().invoke(0, 'write', 1).ok(0).invoke(1, 'read').ok(1, 1);
 */
export class HistoryBuilder {
  readonly ops: Operation[] = [];
  private readonly open = new Map<ProcessId, Operation>();

  invoke(process: ProcessId, f: string, value: unknown = null, key?: Key): this {
    const op = this.push({ type: 'invoke', f, value, process }, key);
    this.open.set(process, op);
    return this;
  }

  ok(process: ProcessId, value?: unknown): this {
    return this.complete('ok', process, value);
  }

  fail(process: ProcessId, value?: unknown): this {
    return this.complete('fail', process, value);
  }

  info(process: ProcessId, value?: unknown): this {
    return this.complete('info', process, value);
  }

  /** invoke and complete at once (no other operation in between). */
  call(process: ProcessId, f: string, value: unknown, type: 'ok' | 'fail' | 'info' = 'ok', okValue?: unknown, key?: Key): this {
    return this.invoke(process, f, value, key).complete(type, process, okValue);
  }

  private complete(type: 'ok' | 'fail' | 'info', process: ProcessId, value?: unknown): this {
    const open = this.open.get(process);
    if (!open) throw new Error(`test history: process ${process} has nothing open`);
    this.open.delete(process);
    this.push({ type, f: open.f, value: value === undefined ? open.value : value, process }, open.key);
    return this;
  }

  private push(op: Omit<Operation, 'time' | 'index'>, key?: Key): Operation {
    const index = this.ops.length;
    const full: Operation = { ...op, time: index * 1000, index };
    if (key !== undefined) full.key = key;
    this.ops.push(full);
    return full;
  }
}
