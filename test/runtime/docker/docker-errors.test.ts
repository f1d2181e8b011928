import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { emu, processesOf, ROOT } from '../../helpers/emu-cli.ts';

// Runs without Docker: what a user sees when there is no daemon to talk to.
describe('the Docker runtime without a Docker daemon', () => {
  const home = mkdtempSync('/var/tmp/emu-test-docker-errors-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, EMU_HOME: home, DOCKER_HOST: `unix://${home}/no-daemon.sock` } as Record<string, string>;
  const noDaemon = `error: no Docker daemon answers at unix://${home}/no-daemon.sock: start emu's own with eval "$(docker/dockerd/start.sh)" (or bash .ci/docker.sh setup, which also builds the images), or set DOCKER_HOST to a running daemon`;

  it('emu pull --runtime docker says in one line where it looked and how to start one, exit code 1', async () => {
    const result = await emu(['pull', '--runtime', 'docker', 'nginx'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([noDaemon]);
  });

  it.each([
    ['up', ['up', '--runtime', 'docker', '--no-kubeconfig']],
    ['apply', ['apply', '-f', `${ROOT}scenarios/manifests/web.yaml`, '--runtime', 'docker']],
    ['run', ['run', `${ROOT}test/e2e/fixtures/signals.ts`, '--runtime', 'docker']],
  ])('emu %s --runtime docker: the same line, and nothing started', async (_, args) => {
    const result = await emu(args, env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([noDaemon]);
    expect(processesOf(home)).toEqual([]);
    expect(existsSync(`${home}/clusters/default/run/daemon.json`)).toBe(false);
  });

  it('refuses an unknown runtime, from the option or from EMU_RUNTIME', async () => {
    const option = await emu(['pull', '--runtime', 'podman'], env);
    expect(option.exitCode).toBe(1);
    expect(option.stderr.trim()).toBe('error: --runtime must be native or docker, got "podman"');
    const fromEnv = await emu(['up', '--no-kubeconfig'], { ...env, EMU_RUNTIME: 'kata' });
    expect(fromEnv.exitCode).toBe(1);
    expect(fromEnv.stderr.trim()).toBe('error: EMU_RUNTIME must be native or docker, got "kata"');
  });
});
