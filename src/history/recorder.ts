import { closeSync, openSync, writeSync } from 'node:fs';
import { operationLine } from './jsonl.ts';
import { NEMESIS, type FaultValue, type Key, type NemesisF, type Operation, type ProcessId } from './operation.ts';

/**
 * What an error means for the operation that threw it, decided by the caller who
 * knows the client: `fail` when it certainly did not happen (a refused write, a
 * constraint violation), `info` when it may have (a timeout, a lost connection).
 */
export type ErrorClassifier = (error: unknown) => 'fail' | 'info';

/** When in doubt an error leaves the outcome unknown, as in Jepsen. */
export const unknownOutcome: ErrorClassifier = () => 'info';

/** The outcome of a recorded call: the result, or the error and how it was classified. */
export type Outcome<T> = { type: 'ok'; result: T } | { type: 'fail' | 'info'; error: unknown };

export interface CallSpec<T> {
  f: string;
  key?: Key;
  /** The invoke's value (for a read: null). */
  value?: unknown;
  /** The value recorded on `ok`, from the result (default: the invoke's value). */
  okValue?: (result: T) => unknown;
  /** Overrides the recorder's classifier for this call. */
  classify?: ErrorClassifier;
}

export interface RecorderOptions {
  /** Also append every operation to this file as it happens (JSON Lines), so a crash keeps the history. */
  file?: string;
  /** The recorder's default error classifier (default: every error is `info`). */
  classify?: ErrorClassifier;
  /** Monotonic clock in nanoseconds (default: process.hrtime). */
  clock?: () => bigint;
}

/**
 * Records a history: client calls as invoke + ok/fail/info, nemesis (fault)
 * operations into the same history, with times in nanoseconds since the recorder
 * was made and indexes in recording order.
 */
export class HistoryRecorder {
  private readonly ops: Operation[] = [];
  private readonly clock: () => bigint;
  private readonly origin: bigint;
  private fd: number | undefined;
  private nextProcessId = 0;
  private nemesisOpen = false;
  readonly classify: ErrorClassifier;

  constructor(options: RecorderOptions = {}) {
    this.clock = options.clock ?? process.hrtime.bigint;
    this.origin = this.clock();
    this.classify = options.classify ?? unknownOutcome;
    this.fd = options.file === undefined ? undefined : openSync(options.file, 'w');
  }

  /** A new client process (a logical thread issuing one operation at a time). */
  client(): ClientProcess {
    return new ClientProcess(this);
  }

  /** A process id never used before in this history. */
  freshProcessId(): number {
    return this.nextProcessId++;
  }

  /** Nanoseconds since the history began (the clock its operations are on). */
  now(): number {
    return Number(this.clock() - this.origin);
  }

  /** Record one operation now; returns it. */
  record(op: Omit<Operation, 'time' | 'index'>): Operation {
    const full: Operation = { ...op, time: Number(this.clock() - this.origin), index: this.ops.length };
    this.ops.push(full);
    if (this.fd !== undefined) writeSync(this.fd, operationLine(full) + '\n');
    return full;
  }

  /**
   * Run a fault (`start`) or its heal (`stop`) as a nemesis operation: invoke,
   * then `ok`, or `info` with the error if it threw (the nemesis is never retired).
   */
  async nemesis(f: NemesisF, value: FaultValue, run: () => Promise<unknown>): Promise<Outcome<void>> {
    if (this.nemesisOpen) throw new Error('the nemesis is already running an operation; faults are applied one at a time');
    this.nemesisOpen = true;
    this.record({ type: 'invoke', f, value, process: NEMESIS });
    try {
      await run();
      this.record({ type: 'ok', f, value, process: NEMESIS });
      return { type: 'ok', result: undefined };
    } catch (error) {
      this.record({ type: 'info', f, value, process: NEMESIS, error: errorText(error) });
      return { type: 'info', error };
    } finally {
      this.nemesisOpen = false;
    }
  }

  /** Every operation so far, in order. */
  get operations(): readonly Operation[] {
    return this.ops;
  }

  /** Stop writing to the file (if any). Recording in memory still works. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * One client process: issues one operation at a time. After an `info` outcome it
 * is retired, and this client continues under a fresh process id (as Jepsen does),
 * because the unfinished operation stays concurrent with everything after it.
 */
export class ClientProcess {
  private id: ProcessId;
  private busy = false;

  constructor(private readonly recorder: HistoryRecorder) {
    this.id = recorder.freshProcessId();
  }

  get process(): ProcessId {
    return this.id;
  }

  /** Record `run` as one operation: invoke, then ok / fail / info. Never throws what `run` throws. */
  async call<T>(spec: CallSpec<T>, run: () => Promise<T>): Promise<Outcome<T>> {
    if (this.busy) throw new Error(`process ${this.id} already has an operation in flight; use one client per concurrent caller`);
    this.busy = true;
    const { f, key } = spec;
    const value = spec.value ?? null;
    const base = key === undefined ? { f, process: this.id } : { f, key, process: this.id };
    this.recorder.record({ type: 'invoke', ...base, value });
    try {
      const result = await run();
      this.recorder.record({ type: 'ok', ...base, value: spec.okValue ? spec.okValue(result) : value });
      return { type: 'ok', result };
    } catch (error) {
      // Anything but a certain `fail` leaves the outcome unknown.
      const type = (spec.classify ?? this.recorder.classify)(error) === 'fail' ? 'fail' : 'info';
      this.recorder.record({ type, ...base, value, error: errorText(error) });
      if (type === 'info') this.id = this.recorder.freshProcessId();
      return { type, error };
    } finally {
      this.busy = false;
    }
  }
}

/** An error in a few words: `ETIMEDOUT: connect ETIMEDOUT 10.244.0.5:3306`. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return code ? `${String(code)}: ${error.message}` : error.message;
}
