import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getContainerRuntimeClient, ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { REAPER_IMAGE } from 'testcontainers/build/reaper/reaper.js';
import { EmuError } from '../../errors.ts';

/**
 * Where emu's private Docker daemon keeps its state; the same rule as
 * docker/dockerd/env.sh, which starts and stops it.
 */
export function emuDockerHome(): string {
  return process.env.EMU_DOCKER_HOME || join(process.env.EMU_HOME || join(homedir(), '.emu'), 'docker');
}

export function emuDockerSocket(): string {
  return join(emuDockerHome(), 'docker.sock');
}

const START_HINT = 'start emu\'s own with eval "$(docker/dockerd/start.sh)" (or bash .ci/docker.sh setup, which also builds the images), or set DOCKER_HOST to a running daemon';

/** The daemon emu talks to (see connectDocker). */
export function dockerHost(): string {
  return process.env.DOCKER_HOST ?? (existsSync(emuDockerSocket()) ? `unix://${emuDockerSocket()}` : 'unix:///var/run/docker.sock');
}

/**
 * The Docker daemon emu talks to, through testcontainers: DOCKER_HOST when set,
 * else emu's private daemon when its socket exists (docker/dockerd/start.sh),
 * else testcontainers' own discovery (/var/run/docker.sock…). The testcontainers
 * reaper (ryuk) is used only where its image is present: without a registry it
 * cannot be pulled, and emu removes its containers by label itself (see labels.ts).
 */
export async function connectDocker(): Promise<ContainerRuntimeClient> {
  if (!process.env.DOCKER_HOST && existsSync(emuDockerSocket())) process.env.DOCKER_HOST = `unix://${emuDockerSocket()}`;
  // emu never reaches containers through published ports (pods are on the node's
  // network), so the host testcontainers would compute for them does not matter;
  // computing it looks for a "bridge" network that emu's daemon does not have
  // (--bridge=none) whenever /.dockerenv exists.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  const disableReaper = process.env.TESTCONTAINERS_RYUK_DISABLED === undefined;
  if (disableReaper) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true'; // until we know its image is here
  let client: ContainerRuntimeClient;
  try {
    client = await getContainerRuntimeClient();
  } catch (error) {
    throw new EmuError('RUNTIME_FAILED', dockerUnavailableMessage(), { cause: error });
  }
  if (disableReaper && (await client.image.exists(ImageName.fromString(REAPER_IMAGE)))) delete process.env.TESTCONTAINERS_RYUK_DISABLED;
  return client;
}

function dockerUnavailableMessage(): string {
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const installed = ['/usr/bin/dockerd', '/usr/sbin/dockerd', '/usr/local/bin/dockerd'].some((p) => existsSync(p));
  if (!installed && !process.env.DOCKER_HOST) {
    return 'Docker is not installed: install it with apt-get install -y --no-install-recommends docker.io, then ' + START_HINT;
  }
  return `no Docker daemon answers at ${where}: ${START_HINT}`;
}

/** Fail clearly when an image emu builds is missing (testcontainers would try to pull it from a registry). */
export async function requireImage(client: ContainerRuntimeClient, tag: string): Promise<void> {
  if (!(await client.image.exists(ImageName.fromString(tag)))) {
    throw new EmuError('IMAGE_PULL_FAILED', `image ${tag} is not built yet: build it with emu pull --runtime docker`);
  }
}
