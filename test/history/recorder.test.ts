import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { historyJsonl } from '../../src/history/jsonl.ts';
import { parseHistory } from '../../src/history/read-history.ts';
import { HistoryRecorder } from '../../src/history/recorder.ts';

/** A clock the test moves by hand (nanoseconds). */
function manualClock(): { clock: () => bigint; advance: (ns: number) => void } {
  let now = 5_000_000n;
  return { clock: () => now, advance: (ns) => (now += BigInt(ns)) };
}

const refused = Object.assign(new Error('write refused'), { code: 'ER_OPTION_PREVENTS_STATEMENT' });
const timedOut = Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' });
const classify = (e: unknown) => ((e as { code?: string }).code === 'ER_OPTION_PREVENTS_STATEMENT' ? 'fail' : 'info') as 'fail' | 'info';

describe('HistoryRecorder', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('records a call as invoke then ok, with the ok value taken from the result', async () => {
    const { clock, advance } = manualClock();
    const recorder = new HistoryRecorder({ clock });
    const client = recorder.client();
    const outcome = await client.call({ f: 'read', key: 'k', okValue: (rows: number[]) => rows[0] }, async () => {
      advance(1500);
      return [42];
    });
    expect(outcome).toEqual({ type: 'ok', result: [42] });
    expect(recorder.operations).toEqual([
      { type: 'invoke', f: 'read', key: 'k', value: null, process: 0, time: 0, index: 0 },
      { type: 'ok', f: 'read', key: 'k', value: 42, process: 0, time: 1500, index: 1 },
    ]);
  });

  it('classifies errors: fail keeps the process, info retires it and the client continues under a fresh id', async () => {
    const recorder = new HistoryRecorder({ classify });
    const a = recorder.client();
    const b = recorder.client();
    expect([a.process, b.process]).toEqual([0, 1]);
    const failed = await a.call({ f: 'write', value: 1 }, () => Promise.reject(refused));
    expect(failed.type).toBe('fail');
    expect(a.process).toBe(0);
    const unknown = await a.call({ f: 'write', value: 2 }, () => Promise.reject(timedOut));
    expect(unknown).toEqual({ type: 'info', error: timedOut });
    expect(a.process).toBe(2);
    await a.call({ f: 'write', value: 3 }, async () => undefined);
    const ops = recorder.operations;
    expect(ops.map((o) => [o.type, o.process, o.value])).toEqual([
      ['invoke', 0, 1], ['fail', 0, 1],
      ['invoke', 0, 2], ['info', 0, 2],
      ['invoke', 2, 3], ['ok', 2, 3],
    ]);
    expect(ops[1].error).toBe('ER_OPTION_PREVENTS_STATEMENT: write refused');
    expect(ops[3].error).toBe('ETIMEDOUT: connect ETIMEDOUT');
    // and what it wrote is a valid history (no process reused after info)
    expect(parseHistory(historyJsonl(ops), 'h.jsonl')).toHaveLength(6);
  });

  it('treats an error as unknown (info) unless the classifier says fail', async () => {
    const recorder = new HistoryRecorder();
    const client = recorder.client();
    expect((await client.call({ f: 'add', value: 1 }, () => Promise.reject(refused))).type).toBe('info');
    expect((await client.call({ f: 'add', value: 2, classify }, () => Promise.reject(refused))).type).toBe('fail');
  });

  it('refuses a second operation on a process while one is in flight', async () => {
    const recorder = new HistoryRecorder();
    const client = recorder.client();
    let release!: () => void;
    const first = client.call({ f: 'read' }, () => new Promise<void>((r) => (release = r)));
    await expect(client.call({ f: 'read' }, async () => undefined)).rejects.toThrow(/already has an operation in flight/);
    release();
    expect((await first).type).toBe('ok');
  });

  it('records nemesis operations into the same history and never retires the nemesis', async () => {
    const recorder = new HistoryRecorder();
    const client = recorder.client();
    const fault = { fault: 'partition', targets: ['mysql-1'], params: { cuts: [['mysql-0', 'mysql-1']] } };
    await recorder.nemesis('start', fault, async () => {
      await client.call({ f: 'add', value: 1 }, async () => undefined);
    });
    const broken = await recorder.nemesis('stop', fault, () => Promise.reject(new Error('link not found')));
    expect(broken.type).toBe('info');
    await recorder.nemesis('stop', fault, async () => undefined);
    const ops = recorder.operations;
    expect(ops.map((o) => `${o.process}:${o.type}:${o.f}`)).toEqual([
      'nemesis:invoke:start', '0:invoke:add', '0:ok:add', 'nemesis:ok:start',
      'nemesis:invoke:stop', 'nemesis:info:stop', 'nemesis:invoke:stop', 'nemesis:ok:stop',
    ]);
    expect(ops[0].value).toEqual(fault);
    expect(ops.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(parseHistory(historyJsonl(ops), 'h.jsonl')).toHaveLength(8);
  });

  it('appends each operation to its file as it happens, fields in a fixed order', async () => {
    dir = mkdtempSync('/var/tmp/emu-recorder-');
    const file = `${dir}/history.jsonl`;
    const { clock, advance } = manualClock();
    const recorder = new HistoryRecorder({ file, clock });
    const client = recorder.client();
    await client.call({ f: 'write', key: 3, value: 7 }, async () => advance(250));
    // written before close: a crash after this point keeps these lines
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toEqual([
      '{"type":"invoke","f":"write","key":3,"value":7,"process":0,"time":0,"index":0}',
      '{"type":"ok","f":"write","key":3,"value":7,"process":0,"time":250,"index":1}',
      '',
    ]);
    recorder.close();
    await client.call({ f: 'write', key: 3, value: 8 }, async () => undefined);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    expect(recorder.operations).toHaveLength(4);
  });
});
