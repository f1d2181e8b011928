import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { historyJsonl } from '../../src/history/jsonl.ts';
import { HistoryError, parseHistory, readHistory } from '../../src/history/read-history.ts';
import { HistoryBuilder } from '../helpers/history.ts';

const line = (o: Record<string, unknown>) => JSON.stringify({ type: 'invoke', f: 'read', value: null, process: 0, time: 0, index: 0, ...o });
const good = new HistoryBuilder().invoke(0, 'write', 1).invoke(1, 'read').ok(0).ok(1, 1).call(2, 'write', 2, 'info');

function problem(lines: string[]): string {
  try {
    parseHistory(lines.join('\n'), 'h.jsonl');
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryError);
    return (error as Error).message;
  }
  throw new Error('expected the history to be refused');
}

describe('parseHistory', () => {
  it('reads a valid history back exactly as written, skipping blank lines', () => {
    const text = historyJsonl(good.ops);
    expect(parseHistory(text, 'h.jsonl')).toEqual(good.ops);
    expect(parseHistory('\n' + text + '\n\n', 'h.jsonl')).toEqual(good.ops);
  });

  it('accepts invokes left open at the end (they count as info)', () => {
    expect(parseHistory(line({}), 'h.jsonl')).toHaveLength(1);
  });

  it.each([
    ['bad JSON', ['{"type":"invoke",'], /^h\.jsonl:1: not valid JSON \(/],
    ['not an object', ['[1,2]'], /^h\.jsonl:1: expected an operation object, got an array$/],
    ['unknown type', [line({ type: 'done' })], /^h\.jsonl:1: type: unknown type "done" \(invoke, ok, fail or info\)$/],
    ['missing type', [JSON.stringify({ f: 'read', process: 0, time: 0, index: 0 })], /^h\.jsonl:1: type: missing/],
    ['empty f', [line({ f: '' })], /^h\.jsonl:1: f: must be a non-empty string, got ""$/],
    ['negative process', [line({ process: -1 })], /^h\.jsonl:1: process: must be a non-negative integer or "nemesis", got -1$/],
    ['fractional time', [line({ time: 1.5 })], /^h\.jsonl:1: time: must be a non-negative integer \(nanoseconds\), got 1\.5$/],
    ['missing index', [JSON.stringify({ type: 'invoke', f: 'read', process: 0, time: 0 })], /^h\.jsonl:1: index: must be a non-negative integer, got nothing$/],
    ['object key', [line({ key: { a: 1 } })], /^h\.jsonl:1: key: must be a string or a number/],
    ['unknown field', [line({ node: 'n1' })], /^h\.jsonl:1: unknown field "node"/],
    ['ok without invoke', [line({ type: 'ok' })], /^h\.jsonl:1: "ok" for process 0 without an open invoke$/],
    ['non-monotonic index', [line({ index: 5 }), line({ process: 1, index: 5 })], /^h\.jsonl:2: index 5 does not follow index 5 \(line 1\): indexes must increase$/],
    ['time going back', [line({ time: 900 }), line({ process: 1, time: 800, index: 1 })], /^h\.jsonl:2: time 800 is before 900 \(line 1\)/],
    ['second invoke while open', [line({}), line({ f: 'write', index: 1 })], /^h\.jsonl:2: process 0 invokes "write" while its "read" from line 1 is still open$/],
    ['completion of another f', [line({}), line({ type: 'ok', f: 'write', index: 1 })], /^h\.jsonl:2: process 0 completes "write" but invoked "read" on line 1$/],
    ['completion of another key', [line({ key: 1 }), line({ type: 'ok', key: 2, index: 1 })], /^h\.jsonl:2: process 0 completes key 2 but invoked key 1 on line 1$/],
    ['process reused after info', [line({}), line({ type: 'info', index: 1 }), line({ index: 2 })], /^h\.jsonl:3: process 0 was retired by "info" on line 2 and may not issue again; use a new process id$/],
  ])('refuses %s with FILE:LINE: what is wrong', (_what, lines, message) => {
    const text = problem(lines);
    expect(text).toMatch(message);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('never retires the nemesis after info', () => {
    const ops = new HistoryBuilder().call('nemesis', 'start', { fault: 'pause', targets: ['a'] }, 'info').call('nemesis', 'stop', { fault: 'pause', targets: ['a'] }).ops;
    expect(parseHistory(historyJsonl(ops), 'h.jsonl')).toHaveLength(4);
  });

  it('applies a model rule to client operations only, located', () => {
    const rule = (op: { f: string }) => (op.f === 'read' || op.f === 'write' ? undefined : `f: "${op.f}" is not a register operation`);
    const ops = new HistoryBuilder().call('nemesis', 'start', { fault: 'pause', targets: [] }).call(0, 'write', 1).call(0, 'add', 1).ops;
    expect(() => parseHistory(historyJsonl(ops), 'h.jsonl', rule)).toThrow(/^h\.jsonl:5: f: "add" is not a register operation$/);
  });
});

describe('readHistory', () => {
  const dir = mkdtempSync('/var/tmp/emu-history-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a file into operations and locates problems by line', async () => {
    writeFileSync(`${dir}/good.jsonl`, historyJsonl(good.ops));
    expect(await readHistory(`${dir}/good.jsonl`)).toEqual(good.ops);
    writeFileSync(`${dir}/bad.jsonl`, historyJsonl(good.ops) + '{"type":"ok"}\n');
    await expect(readHistory(`${dir}/bad.jsonl`)).rejects.toThrow(new RegExp(`^${dir}/bad\\.jsonl:${good.ops.length + 1}: f: missing$`));
  });

  it('says plainly when the file is missing or a directory', async () => {
    await expect(readHistory(`${dir}/none.jsonl`)).rejects.toThrow(`${dir}/none.jsonl: no such file`);
    await expect(readHistory(dir)).rejects.toThrow(`${dir}: is a directory, not a history file`);
  });
});
