// The spawner starts processes for the daemon and reports what becomes of them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { Spawner, type SpawnedProcess } from '../../../src/runtime/native/spawner.ts';

const dir = mkdtempSync('/var/tmp/emu-test-spawner-');
const spawner = new Spawner();
afterAll(() => {
  spawner.close();
  rmSync(dir, { recursive: true, force: true });
});

const exit = (p: SpawnedProcess) => once(p, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

describe('the spawner', () => {
  it("relays stdin and stdout, writes stderr to its file, and reports the exit code", async () => {
    const p = spawner.spawn('sh', ['-c', 'read x; echo "got $x"; echo oops >&2; exit 3'], { stdin: 'pipe', stdout: 'pipe', stderr: { path: `${dir}/err.log` } });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    const ended = exit(p); // rejects if the spawner reports an error instead
    p.stdin!.write('hello\n');
    expect(await ended).toEqual([3, null]);
    expect(out).toBe('got hello\n');
    expect([p.exitCode, p.signalCode]).toEqual([3, null]);
    expect(readFileSync(`${dir}/err.log`, 'utf8')).toBe('oops\n');
  });

  it('kills on request, and a closed stdin ends a reader', async () => {
    const sleeper = spawner.spawn('sleep', ['1000'], { stdin: 'ignore', stdout: { path: `${dir}/out.log` }, stderr: { path: `${dir}/out.log` } });
    const ended = exit(sleeper);
    sleeper.kill('SIGKILL');
    expect(await ended).toEqual([null, 'SIGKILL']);
    const cat = spawner.spawn('cat', [], { stdin: 'pipe', stdout: 'pipe', stderr: { path: `${dir}/cat.log` } });
    cat.stdin!.end('bye');
    let out = '';
    cat.stdout!.on('data', (d) => (out += d));
    expect(await exit(cat)).toEqual([0, null]);
    expect(out).toBe('bye');
  });

  it('reports a program that cannot start as an error, and goes on starting others', async () => {
    const missing = spawner.spawn('/nonexistent/program', [], { stdin: 'ignore', stdout: { path: `${dir}/x.log` }, stderr: { path: `${dir}/x.log` } });
    const [error] = (await once(missing, 'error')) as [Error];
    expect(error.message).toMatch(/ENOENT/);
    const ok = spawner.spawn('true', [], { stdin: 'ignore', stdout: { path: `${dir}/x.log` }, stderr: { path: `${dir}/x.log` } });
    expect(await exit(ok)).toEqual([0, null]);
  });
});
