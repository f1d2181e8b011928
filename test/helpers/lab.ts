import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { pollUntil } from '../../src/util/deadline.ts';
import { leftovers, ROOT, testHome, type CliResult } from './emu-cli.ts';

/** Every command line of a lab README's ```sh blocks, without its trailing `# comment`. */
export function readmeCommands(readme: string): string[] {
  const blocks = [...readFileSync(readme, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split('\n')).map((line) => line.replace(/\s+#(\s.*)?$/, '').trim()).filter(Boolean);
}

/**
 * A participant's shell: `emu` on PATH (this repository's CLI), the test's own
 * emu home, the repository (or `cwd`) as working directory. run() takes a command line as
 * the README prints it.
 */
export function participantShell(env: Record<string, string>, options: { cwd?: string } = {}): { run: (line: string) => Promise<CliResult>; cleanup: () => void } {
  const bin = mkdtempSync('/var/tmp/emu-test-bin-');
  writeFileSync(join(bin, 'emu'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}bin/emu.mjs" "$@"\n`);
  chmodSync(join(bin, 'emu'), 0o755);
  const shellEnv = { ...env, PATH: `${bin}:${process.env.PATH}` };
  return {
    run: async (line) => {
      const r = await execa('sh', ['-c', line], { env: shellEnv, cwd: options.cwd ?? ROOT, reject: false, timeout: 120_000, stdin: 'ignore' });
      return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    cleanup: () => rmSync(bin, { recursive: true, force: true }),
  };
}

export interface CheckedStep {
  ok: boolean;
  title: string;
  hint?: string;
}

/** `emu lab check` output, step by step. */
export function parseLabCheck(stdout: string): CheckedStep[] {
  const steps: CheckedStep[] = [];
  for (const line of stdout.split('\n')) {
    const head = line.match(/^([✓✗]) \d+\. (.*)$/);
    if (head) steps.push({ ok: head[1] === '✓', title: head[2] });
    const hint = line.match(/^ {4}hint: (.*)$/);
    if (hint) steps[steps.length - 1].hint = hint[1];
  }
  return steps;
}

export const verdicts = (steps: CheckedStep[]): string => steps.map((s) => (s.ok ? '✓' : '✗')).join('');

export interface LabWalk {
  /** The README's command lines. */
  readme: string[];
  /** Run a README line verbatim (it must be one), expecting exit 0; its stdout. */
  step(line: string): Promise<string>;
  /** `emu lab check NN`, parsed. */
  check(): Promise<{ exitCode: number; steps: CheckedStep[]; stdout: string }>;
  /** `emu lab check NN` before the lab's first step: exit 1, every step ✗, the first hint naming `command`. */
  expectNothingDone(command: string): Promise<void>;
  /** Poll (bounded) until the pods labelled `app=<app>` are exactly `n`, all Ready and none terminating. */
  waitReady(app: string, n: number): Promise<void>;
  /** Run a README line until its output is `expected` (bounded): a fresh pod answering, a rollout landing. */
  untilPrints(line: string, expected: string): Promise<void>;
}

/** Walking one lab's README in a participant's shell, as the lab tests do. */
export function walkLab(shell: { run: (line: string) => Promise<CliResult> }, id: string, readme: string): LabWalk {
  const lines = readmeCommands(readme);
  const step = async (line: string) => {
    if (!lines.includes(line)) throw new Error(`not a command of ${readme}: ${line}`);
    const r = await shell.run(line);
    if (r.exitCode !== 0) throw new Error(`${line} exited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  return {
    readme: lines,
    step,
    async check() {
      const r = await shell.run(`emu lab check ${id}`);
      return { exitCode: r.exitCode, steps: parseLabCheck(r.stdout), stdout: r.stdout };
    },
    async expectNothingDone(command) {
      const before = await this.check();
      expect(before.exitCode).toBe(1);
      expect(before.steps.length).toBeGreaterThan(0);
      expect(verdicts(before.steps)).toBe('✗'.repeat(before.steps.length));
      expect(before.steps[0].hint).toContain(command);
    },
    async waitReady(app, n) {
      await pollUntil(`${n} Ready pods app=${app}`, async () => {
        const r = await shell.run(`emu get pods -l app=${app} -o json`);
        const pods = (JSON.parse(r.stdout || '{"items":[]}').items ?? []) as { metadata: { deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
        const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length === n && pods.length === n ? true : undefined;
      }, { timeoutMs: 120_000, intervalMs: 100 });
    },
    async untilPrints(line, expected) {
      let out = '';
      await pollUntil(`${line} to print ${expected}`, async () => ((out = (await step(line)).trim()) === expected ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 }).catch(() => {
        throw new Error(`${line} printed ${JSON.stringify(out)}, never ${JSON.stringify(expected)}`);
      });
    },
  };
}

/**
 * The cluster of a lab test file: its own emu home, started empty before the
 * tests (so each lab's first check already talks to it) and torn down after
 * them with nothing left running. The participant's shell has HOME in that home
 * (kubectl's caches stay there) and `env` on top. It works in the repository,
 * or with `workdir`, in a directory of its own that holds the repository's
 * labs/ and whatever the participant writes (`cwd`), removed with the cluster.
 */
export function labCluster(prefix: string, options: { env?: Record<string, string>; workdir?: boolean } = {}): ReturnType<typeof participantShell> & { cwd: string } {
  const t = testHome(prefix);
  const cwd = options.workdir ? mkdtempSync(`/var/tmp/emu-test-${prefix}-cwd-`) : ROOT;
  if (options.workdir) symlinkSync(`${ROOT}labs`, join(cwd, 'labs'));
  const shell = participantShell({ ...t.env, HOME: t.home, ...options.env }, { cwd });
  beforeAll(async () => {
    expect((await shell.run('emu up')).exitCode).toBe(0);
  });
  afterAll(async () => {
    try {
      const down = await shell.run('emu down --volumes');
      expect(down.exitCode, `emu down --volumes:\n${down.stdout}\n${down.stderr}`).toBe(0);
      expect(await leftovers(t.home)).toEqual([]);
    } finally {
      // Whatever went wrong above, no cluster outlives the file.
      t.cleanup();
      shell.cleanup();
      if (options.workdir) rmSync(cwd, { recursive: true, force: true });
    }
  });
  return { ...shell, cwd };
}
