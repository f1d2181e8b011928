// Nothing outlives emu: not after `emu down`, not after SIGKILL of the daemon,
// not after Ctrl-C or SIGKILL of `emu run`.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { daemonInfo, emu, hostMountsOf, leftovers, processesOf, ROOT, testHome, until, zombiesUnder } from '../helpers/emu-cli.ts';

const manifest = `${ROOT}test/e2e/fixtures/ordered.yaml`;


describe('no leaks', () => {
  const homes: (() => void)[] = [];
  afterAll(() => homes.forEach((cleanup) => cleanup()));

  it('emu down stops every process and the next apply starts cleanly', async () => {
    const { env, home, cleanup } = testHome('leak-down');
    homes.push(cleanup);
    expect((await emu(['apply', '-f', manifest, '--wait'], env)).exitCode).toBe(0);
    expect(processesOf(home).length).toBeGreaterThan(3);
    expect((await emu(['down'], env)).stdout).toContain('cluster "leak-down" stopped');
    expect(await leftovers(home)).toEqual([]);
    expect(hostMountsOf(home)).toEqual([]);
    expect((await emu(['apply', '-f', manifest, '--wait'], env)).exitCode).toBe(0);
    expect((await emu(['down', '--volumes'], env)).exitCode).toBe(0);
    expect(await leftovers(home)).toEqual([]);
  });

  it('SIGKILL of the daemon takes every pod with it; apply starts cleanly afterwards', async () => {
    const { env, home, cleanup } = testHome('leak-kill');
    homes.push(cleanup);
    expect((await emu(['apply', '-f', manifest, '--wait'], env)).exitCode).toBe(0);
    const info = JSON.parse(readFileSync(`${home}/clusters/leak-kill/run/daemon.json`, 'utf8'));
    process.kill(info.nodePid, 'SIGKILL');
    expect(await leftovers(home)).toEqual([]);
    expect(hostMountsOf(home)).toEqual([]);
    const again = await emu(['apply', '-f', manifest, '--wait'], env);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('statefulset.apps/ordered created');
    expect((await emu(['down', '--volumes'], env)).exitCode).toBe(0);
    expect(await leftovers(home)).toEqual([]);
  });

  it('leaves no zombie under the node after 20 pod deletes', async () => {
    const { env, home, cleanup } = testHome('leak-zombies');
    homes.push(cleanup);
    expect((await emu(['apply', '-f', manifest, '--wait'], env)).exitCode).toBe(0);
    for (let i = 0; i < 20; i++) {
      const deleted = await emu(['delete', 'pod', `ordered-${i % 3}`, '--grace-period', '0', '--force'], env);
      expect(deleted.exitCode, deleted.stderr).toBe(0);
      const applied = await emu(['apply', '-f', manifest, '--wait'], env);
      expect(applied.exitCode, applied.stderr).toBe(0);
    }
    const { unsharePid } = daemonInfo(home, 'leak-zombies');
    // A process that just ended is a zombie until its parent waits for it (a `sleep` in a
    // container's loop, every second): only one that stays is a leak. Bounded poll.
    const lasting = await until('no zombie under the node', async () => (zombiesUnder(unsharePid).length === 0 ? true : undefined), 10_000).then(
      () => [],
      () => zombiesUnder(unsharePid),
    );
    expect(lasting).toEqual([]);
    expect((await emu(['down', '--volumes'], env)).exitCode).toBe(0);
    expect(await leftovers(home)).toEqual([]);
  });

  it('two applies at once start one daemon, which runs both', async () => {
    const { env, home, cleanup } = testHome('leak-race');
    homes.push(cleanup);
    const [a, b] = await Promise.all([emu(['apply', '-f', manifest], env), emu(['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`], env)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    // One daemon stays. A snapshot can catch a second one for an instant (a child the daemon
    // forked, before its exec, still shows the daemon's command line), so the count must settle
    // to one; two lasting daemons time this out.
    const daemons = () => processesOf(home).filter((p) => /^\d+ \S*node \S*emu\.mjs __daemon/.test(p));
    await until('exactly one daemon', async () => (daemons().length === 1 ? true : undefined), 10_000);
    expect((await emu(['get', 'sts', '-o', 'name'], env)).stdout).toBe('statefulset.apps/ordered\nstatefulset.apps/web');
    expect((await emu(['down', '--volumes'], env)).exitCode).toBe(0);
    expect(await leftovers(home)).toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} to emu run stops the scenario's cluster`, async () => {
      const { env, home, cleanup } = testHome(`leak-run-${signal.toLowerCase()}`);
      homes.push(cleanup);
      const run = execa(process.execPath, [`${ROOT}bin/emu.mjs`, 'run', `${ROOT}test/scenario/fixtures/blocking.ts`], { env: { ...env, EMU_CLUSTER: '' }, reject: false, all: true });
      // Interrupt once the scenario's pods are running.
      const clusterEnv = { ...env, EMU_CLUSTER: 'blocking' };
      const deadline = Date.now() + 60_000;
      while ((await emu(['get', 'pods', '-o', 'name'], clusterEnv)).stdout.split('\n').length !== 3) {
        if (Date.now() > deadline || run.exitCode !== null) throw new Error(`scenario pods never came up: ${run.exitCode}`);
      }
      run.kill(signal);
      const result = await run;
      if (signal === 'SIGINT') expect(result.exitCode).toBe(130);
      expect(await leftovers(home)).toEqual([]);
      expect(hostMountsOf(home)).toEqual([]);
    });
  }
});
