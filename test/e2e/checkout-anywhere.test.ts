// The checkout can live anywhere, /tmp included (containers have a /tmp of their
// own, so nothing of the checkout may be reached through the host's paths): a copy
// of it under /tmp runs the headline scenario, with its emu home under /tmp too.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, ROOT } from '../helpers/emu-cli.ts';

const clone = mkdtempSync('/tmp/emu-checkout-');
const home = join(clone, '.emu-home');

describe('a checkout under /tmp', () => {
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('runs emu run scenarios/mysql-rw.ts', async () => {
    const files = execaSync('git', ['ls-files', '-z'], { cwd: ROOT }).stdout.split('\0').filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(ROOT, file), join(clone, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    const run = await execa(process.execPath, [join(clone, 'bin/emu.mjs'), 'run', 'scenarios/mysql-rw.ts'], {
      cwd: clone,
      env: { EMU_HOME: home, EMU_CLUSTER: '' },
      reject: false,
      stdin: 'ignore',
      timeout: 300_000,
    });
    expect(run.stdout.split('\n').at(-1), run.stdout + run.stderr).toBe('PASS: 8 passed, 0 failed');
    expect(run.exitCode).toBe(0);
    expect(await leftovers(home)).toEqual([]);
  });
});
