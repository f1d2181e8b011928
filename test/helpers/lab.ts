import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT, type CliResult } from './emu-cli.ts';

/** Every command line of a lab README's ```sh blocks, without its trailing `# comment`. */
export function readmeCommands(readme: string): string[] {
  const blocks = [...readFileSync(readme, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split('\n')).map((line) => line.replace(/\s+#(\s.*)?$/, '').trim()).filter(Boolean);
}

/**
 * A participant's shell: `emu` on PATH (this repository's CLI), the test's own
 * emu home, the repository as working directory. run() takes a command line as
 * the README prints it.
 */
export function participantShell(env: Record<string, string>): { run: (line: string) => Promise<CliResult>; cleanup: () => void } {
  const bin = mkdtempSync('/var/tmp/emu-test-bin-');
  writeFileSync(join(bin, 'emu'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}bin/emu.mjs" "$@"\n`);
  chmodSync(join(bin, 'emu'), 0o755);
  const shellEnv = { ...env, PATH: `${bin}:${process.env.PATH}` };
  return {
    run: async (line) => {
      const r = await execa('sh', ['-c', line], { env: shellEnv, cwd: ROOT, reject: false, timeout: 120_000, stdin: 'ignore' });
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
