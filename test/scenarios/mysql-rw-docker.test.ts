// The headline scenario, unchanged, on the Docker runtime: real MariaDB in real
// containers (emu's locally built image for mysql:8.0), as a user runs it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRuntimeClient } from 'testcontainers';
import { dockerForTests, dockerLeftovers } from '../helpers/docker.ts';
import { emu, leftovers, ROOT, testHome } from '../helpers/emu-cli.ts';

const docker = await dockerForTests(['mysql']);

describe.skipIf(!docker.client)(`emu run scenarios/mysql-rw.ts --runtime docker${docker.client ? '' : ` (skipped: ${docker.skipReason})`}`, () => {
  // Made in beforeAll, so a skipped suite leaves no home behind.
  let t: ReturnType<typeof testHome>;
  beforeAll(() => void (t = testHome('mysql-rw-docker')));
  afterAll(() => t.cleanup());

  it('passes every step on MariaDB containers and leaves no process or container behind', async () => {
    const { env, home } = t;
    const report = `${home}/mysql-rw.json`;
    const result = await emu(['run', `${ROOT}scenarios/mysql-rw.ts`, '--runtime', 'docker', '--json', report], { EMU_HOME: env.EMU_HOME }, { timeoutMs: 600_000 });
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.steps.filter((s: any) => s.status !== 'passed'), result.stderr).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(json.steps.map((s: any) => s.name.split('.')[0])).toEqual(expect.arrayContaining(['a', 'b', 'c', 'd', 'e', 'f', 'g']));
    expect(json.steps.find((s: any) => s.name.startsWith('e.')).notes[0]).toMatch(/^mysql-1: 10\.244\.\d+\.\d+ -> 10\.244\.\d+\.\d+$/);
    expect(await leftovers(home)).toEqual([]);
    expect(await dockerLeftovers(docker.client as ContainerRuntimeClient, home)).toEqual([]);
  }, 600_000);
});
