import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EmuError } from '../errors.ts';
import { NEMESIS, OP_TYPES, type Operation, type OpType, type ProcessId } from './operation.ts';

/** A malformed history, located: `FILE:LINE: what is wrong`. */
export class HistoryError extends EmuError {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super('HISTORY_INVALID', `${file}:${line}: ${problem}`);
    this.name = 'HistoryError';
  }
}

/** A model's rule for the operations it checks: a problem in a few words, or undefined when fine. */
export type OperationRule = (op: Operation) => string | undefined;

const FIELDS = ['type', 'f', 'key', 'value', 'process', 'time', 'index', 'error'];

interface Open {
  op: Operation;
  line: number;
}

/**
 * Checks a history line by line, in order: each line a well-formed operation,
 * indexes strictly increasing, times never going back, every completion matching
 * its process's open invoke, and no process issuing again after `info`.
 */
export class HistoryValidator {
  private readonly open = new Map<ProcessId, Open>();
  private readonly retired = new Map<number, number>();
  private last: { index: number; time: number; line: number } | undefined;

  constructor(
    private readonly file: string,
    private readonly rule?: OperationRule,
  ) {}

  /** The operation on this line, or undefined for a blank line; throws a HistoryError. */
  accept(text: string, line: number): Operation | undefined {
    if (text.trim() === '') return undefined;
    const fail = (problem: string): never => {
      throw new HistoryError(this.file, line, problem);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return fail(`not valid JSON (${(error as Error).message})`);
    }
    const op = shape(parsed, fail);
    if (this.last) {
      if (op.index <= this.last.index) fail(`index ${op.index} does not follow index ${this.last.index} (line ${this.last.line}): indexes must increase`);
      if (op.time < this.last.time) fail(`time ${op.time} is before ${this.last.time} (line ${this.last.line}): operations must be in real-time order`);
    }
    this.pair(op, line, fail);
    if (op.process !== NEMESIS && this.rule) {
      const problem = this.rule(op);
      if (problem) fail(problem);
    }
    this.last = { index: op.index, time: op.time, line };
    return op;
  }

  private pair(op: Operation, line: number, fail: (problem: string) => never): void {
    const open = this.open.get(op.process);
    const who = op.process === NEMESIS ? 'the nemesis' : `process ${op.process}`;
    if (op.type === 'invoke') {
      const retiredOn = typeof op.process === 'number' ? this.retired.get(op.process) : undefined;
      if (retiredOn !== undefined) fail(`process ${op.process} was retired by "info" on line ${retiredOn} and may not issue again; use a new process id`);
      if (open) fail(`${who} invokes "${op.f}" while its "${open.op.f}" from line ${open.line} is still open`);
      this.open.set(op.process, { op, line });
      return;
    }
    if (!open) fail(`"${op.type}" for ${who} without an open invoke`);
    if (open.op.f !== op.f) fail(`${who} completes "${op.f}" but invoked "${open.op.f}" on line ${open.line}`);
    if (open.op.key !== op.key) fail(`${who} completes key ${JSON.stringify(op.key)} but invoked key ${JSON.stringify(open.op.key)} on line ${open.line}`);
    this.open.delete(op.process);
    if (op.type === 'info' && typeof op.process === 'number') this.retired.set(op.process, line);
  }
}

/** The fields of one operation, each checked; unknown fields are refused. */
function shape(parsed: unknown, fail: (problem: string) => never): Operation {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(`expected an operation object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
  }
  const o = parsed as Record<string, unknown>;
  for (const field of Object.keys(o)) if (!FIELDS.includes(field)) fail(`unknown field "${field}" (an operation has ${FIELDS.join(', ')})`);
  if (!OP_TYPES.includes(o.type as OpType)) fail(`type: ${o.type === undefined ? 'missing' : `unknown type ${JSON.stringify(o.type)}`} (invoke, ok, fail or info)`);
  if (typeof o.f !== 'string' || o.f === '') fail(`f: ${o.f === undefined ? 'missing' : `must be a non-empty string, got ${JSON.stringify(o.f)}`}`);
  if (!(o.process === NEMESIS || isCount(o.process))) fail(`process: must be a non-negative integer or "nemesis", got ${JSON.stringify(o.process) ?? 'nothing'}`);
  if (!isCount(o.time)) fail(`time: must be a non-negative integer (nanoseconds), got ${JSON.stringify(o.time) ?? 'nothing'}`);
  if (!isCount(o.index)) fail(`index: must be a non-negative integer, got ${JSON.stringify(o.index) ?? 'nothing'}`);
  if (o.key !== undefined && typeof o.key !== 'string' && typeof o.key !== 'number') fail(`key: must be a string or a number, got ${JSON.stringify(o.key)}`);
  if (o.error !== undefined && typeof o.error !== 'string') fail(`error: must be a string, got ${JSON.stringify(o.error)}`);
  const op: Operation = { type: o.type as OpType, f: o.f as string, value: o.value === undefined ? null : o.value, process: o.process as ProcessId, time: o.time as number, index: o.index as number };
  if (o.key !== undefined) op.key = o.key as string | number;
  if (o.error !== undefined) op.error = o.error as string;
  return op;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A history from JSON Lines text (the file name is for messages). */
export function parseHistory(text: string, file: string, rule?: OperationRule): Operation[] {
  const validator = new HistoryValidator(file, rule);
  const ops: Operation[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const op = validator.accept(lines[i], i + 1);
    if (op) ops.push(op);
  }
  return ops;
}

/** A history from a JSON Lines file, read as a stream (histories can be large). */
export async function readHistory(file: string, rule?: OperationRule): Promise<Operation[]> {
  const validator = new HistoryValidator(file, rule);
  const ops: Operation[] = [];
  try {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      const op = validator.accept(text, ++line);
      if (op) ops.push(op);
    }
  } catch (error) {
    if (error instanceof HistoryError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a history file' : (error as Error).message;
    throw new EmuError('NOT_FOUND', `${file}: ${why}`, { cause: error });
  }
  return ops;
}
