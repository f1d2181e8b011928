import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu } from '../../helpers/emu-cli.ts';

// Runs without Docker: what a user sees when there is no daemon to talk to.
describe('emu pull --runtime docker without a Docker daemon', () => {
  const home = mkdtempSync('/var/tmp/emu-test-docker-errors-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, EMU_HOME: home, DOCKER_HOST: `unix://${home}/no-daemon.sock` } as Record<string, string>;

  it('says in one line where it looked and how to start one, exit code 1', async () => {
    const result = await emu(['pull', '--runtime', 'docker', 'nginx'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`error: no Docker daemon answers at unix://${home}/no-daemon.sock: start one with: eval "$(docker/dockerd/start.sh)" (or set DOCKER_HOST to a running daemon)`]);
  });

  it('refuses an unknown runtime', async () => {
    const result = await emu(['pull', '--runtime', 'podman'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('error: --runtime must be native or docker, got "podman"');
  });
});
