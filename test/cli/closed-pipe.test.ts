// `emu … | head -1`: a reader that goes away ends emu quietly, without a stack trace.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emu-cli.ts';

describe('a closed output pipe', () => {
  it('ends the CLI quietly', async () => {
    const child = execa(process.execPath, [`${ROOT}bin/emu.mjs`, 'run', '--help'], { reject: false, stdin: 'ignore' });
    child.stdout!.destroy(); // the reader is gone before emu writes its first line
    const result = await child;
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
