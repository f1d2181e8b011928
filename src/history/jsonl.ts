import type { Operation } from './operation.ts';

/** One operation as a JSON line, fields always in the same order (type, f, key, value, process, time, index, error). */
export function operationLine(op: Operation): string {
  const ordered: Record<string, unknown> = { type: op.type, f: op.f };
  if (op.key !== undefined) ordered.key = op.key;
  ordered.value = op.value === undefined ? null : op.value;
  ordered.process = op.process;
  ordered.time = op.time;
  ordered.index = op.index;
  if (op.error !== undefined) ordered.error = op.error;
  return JSON.stringify(ordered);
}

/** A whole history as JSON Lines (one operation a line, ending with a newline). */
export function historyJsonl(ops: readonly Operation[]): string {
  let text = '';
  for (const op of ops) text += operationLine(op) + '\n';
  return text;
}
