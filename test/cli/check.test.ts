// `emu check` through the real CLI (node bin/emu.mjs: tsx loader, piscina workers).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { historyJsonl } from '../../src/history/jsonl.ts';
import type { Operation } from '../../src/history/operation.ts';
import { emu } from '../helpers/emu-cli.ts';
import { HistoryBuilder } from '../helpers/history.ts';
import { simulateRegister, simulateSet } from '../helpers/simulate.ts';

const dir = mkdtempSync('/var/tmp/emu-check-');
const env = { EMU_HOME: dir };
function file(name: string, ops: Operation[] | string): string {
  writeFileSync(`${dir}/${name}`, typeof ops === 'string' ? ops : historyJsonl(ops));
  return `${dir}/${name}`;
}

const register = simulateRegister(21, { threads: 10, operations: 4000, keys: 40, crashes: 2 });
const lastRead = register.filter((o) => o.f === 'read' && o.type === 'ok').at(-1)!;
const set = simulateSet(4, { threads: 5, operations: 2000, crashes: 2 });
const victim = set.find((o) => o.f === 'add' && o.type === 'ok' && o.index > 500)!;
const lossy = set.map((o) => (o.f === 'read' && o.type === 'ok' && o.index > 1000 ? { ...o, value: (o.value as number[]).filter((e) => e !== victim.value) } : o));

describe('emu check', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 for a linearizable register history, with a one-line verdict', async () => {
    const r = await emu(['check', '--model', 'register', file('register.jsonl', register)], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^✓ register: valid — \d+ operations on 40 keys: linearizable$/);
    expect(r.stderr).toBe('');
  });

  it('exits 1 for a planted bad read, printing the key and the operations that show it', async () => {
    const bad = register.map((o) => (o === lastRead ? { ...o, value: 'never-written' } : o));
    const r = await emu(['check', '--model', 'register', file('register-bad.jsonl', bad)], env);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`not linearizable: 1 of 40 keys: key ${lastRead.key}`);
    expect(r.stdout).toMatch(new RegExp(`p${lastRead.process} +read \\[key ${lastRead.key}\\] +→ ok "never-written" +#\\d+ → #${lastRead.index} `));
  });

  it('exits 2 when the time limit runs out first, never 0', async () => {
    const r = await emu(['check', '--model', 'register', '--time-limit', '0.001', file('register.jsonl', register)], env);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^\? register: unknown/);
    expect(r.stdout).toContain('time limit reached');
  });

  it('exits 2 for a history with nothing to judge', async () => {
    const r = await emu(['check', '--model', 'set-full', file('empty.jsonl', '')], env);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^\? set-full: unknown — 0 elements/);
  });

  it('checks set-full: exit 0, then exit 1 naming the lost element; --json for machines', async () => {
    const ok = await emu(['check', '--model', 'set-full', file('set.jsonl', set)], env);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^✓ set-full: valid/);
    const lost = await emu(['check', '--model', 'set-full', '--json', file('set-lost.jsonl', lossy)], env);
    expect(lost.exitCode).toBe(1);
    const result = JSON.parse(lost.stdout);
    expect(result.verdict).toBe('invalid');
    expect(result.details.lost).toEqual([{ element: victim.value }]);
    expect(result.witness.map((o: Operation) => o.index)).toContain(victim.index);
  });

  it('reports a malformed line as FILE:LINE: what is wrong, exit 1, nothing on stdout', async () => {
    const text = historyJsonl(new HistoryBuilder().call(0, 'add', 1).ops) + '{"type":"ok","f":"add","value":2,"process":7,"time":5000,"index":9}\n';
    const path = file('malformed.jsonl', text);
    const r = await emu(['check', '--model', 'set-full', path], env);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${path}:3: "ok" for process 7 without an open invoke`);
    const wrongModel = await emu(['check', '--model', 'set-full', file('register.jsonl', register)], env);
    const firstWrite = register.findIndex((o) => o.f !== 'read');
    expect(wrongModel.stderr).toBe(`error: ${dir}/register.jsonl:${firstWrite + 1}: f: "${register[firstWrite].f}" is not a set-full operation (add or read)`);
  });

  it('refuses bad arguments with one line and exit 1', async () => {
    const path = file('set.jsonl', set);
    for (const [args, message] of [
      [['--model', 'bank', path], /^error: --model: unknown model "bank" \(set-full or register\)$/],
      [['--model', 'register', '--time-limit', '5s', path], /^error: --time-limit: must be a positive number of seconds, got "5s"$/],
      [['--model', 'register', `${dir}/none.jsonl`], new RegExp(`^error: ${dir}/none\\.jsonl: no such file$`)],
    ] as const) {
      const r = await emu(['check', ...args], env);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    const noModel = await emu(['check', path], env);
    expect(noModel.exitCode).toBe(1);
    expect(noModel.stderr).toMatch(/required option '--model <model>' not specified/);
  });
});
