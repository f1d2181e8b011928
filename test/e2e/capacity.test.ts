// The node's pod capacity (EMU_MAX_PODS): pods beyond it stay Pending with
// Kubernetes' reason and event, and start when room frees up.
import { afterAll, describe, expect, it } from 'vitest';
import { downAndCleanup, emu, processesOf, ROOT, testHome, until } from '../helpers/emu-cli.ts';

const t = testHome('capacity');
const env = { ...t.env, EMU_MAX_PODS: '2' };
const manifest = `${ROOT}test/e2e/fixtures/crowd.yaml`;

async function phases(): Promise<Record<string, string>> {
  const [, ...rows] = (await emu(['get', 'pods'], env)).stdout.split('\n');
  return Object.fromEntries(rows.filter(Boolean).map((l) => l.split(/\s+/)).map(([name, ready, status]) => [name, `${ready} ${status}`]));
}

describe('pod capacity', () => {
  afterAll(async () => {
    expect(await downAndCleanup({ env, home: t.home, cleanup: t.cleanup })).toEqual([]);
  });

  it('refuses a bad EMU_MAX_PODS before anything starts', async () => {
    const result = await emu(['apply', '-f', manifest], { ...env, EMU_MAX_PODS: 'many' });
    expect(result).toMatchObject({ exitCode: 1, stderr: 'error: EMU_MAX_PODS must be a positive whole number of pods, got "many"' });
    expect(processesOf(t.home)).toEqual([]);
  });

  it('keeps the pods beyond capacity Pending, Unschedulable, with a FailedScheduling event', async () => {
    expect((await emu(['apply', '-f', manifest], env)).exitCode).toBe(0);
    await until('two pods Running, one Pending', async () => {
      const p = await phases();
      const states = Object.values(p).sort();
      return states.join(',') === '0/1 Pending,1/1 Running,1/1 Running' ? p : undefined;
    });
    const pending = Object.entries(await phases()).find(([, s]) => s.endsWith('Pending'))![0];
    const pod = JSON.parse((await emu(['get', 'pods', pending, '-o', 'json'], env)).stdout);
    expect(pod.status.conditions[0]).toEqual({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Too many pods.' });
    expect(pod.spec.nodeName).toBeUndefined();
    expect((await emu(['describe', 'pod', pending], env)).stdout).toMatch(/Warning\s+FailedScheduling\s+.*0\/1 nodes are available: 1 Too many pods\./);
  });

  it('starts a waiting pod as soon as another one goes', async () => {
    const before = await phases();
    const waiting = Object.keys(before).find((name) => before[name].endsWith('Pending'))!;
    const victim = Object.keys(before).find((name) => name !== waiting)!;
    expect((await emu(['delete', 'pod', victim], env)).exitCode).toBe(0);
    const after = await until(`${waiting} running`, async () => {
      const p = await phases();
      return p[waiting] === '1/1 Running' && p[victim] ? p : undefined;
    });
    expect(after[victim]).toBe('0/1 Pending'); // recreated, now it waits its turn
  });
});
