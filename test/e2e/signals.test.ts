// The container runtime's signals (what chaos faults use), checked from inside the node.
import { afterAll, describe, expect, it } from 'vitest';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const { env, home, cleanup } = testHome('signals');

describe('signals through the container runtime', () => {
  afterAll(() => cleanup());

  it('reach every process of a pod (pod-kill, pause) or of one container (container-kill)', async () => {
    const run = await emu(['run', `${ROOT}test/e2e/fixtures/signals.ts`], { EMU_HOME: env.EMU_HOME, EMU_TIME_SCALE: '0.01' });
    expect(run.stdout.split('\n').at(-1), run.stdout + run.stderr).toBe('PASS: 5 passed, 0 failed');
    expect(await leftovers(home)).toEqual([]);
  });
});
