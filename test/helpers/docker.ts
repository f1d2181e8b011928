import type { ContainerRuntimeClient } from 'testcontainers';
import { recipesFor } from '../../src/images/docker-recipes.ts';
import { connectDocker } from '../../src/runtime/docker/docker-client.ts';
import { LABELS } from '../../src/runtime/docker/docker-names.ts';

/**
 * The Docker daemon for tests, or why there is none: tests that need Docker skip
 * with this reason (start a daemon and build the images with `bash .ci/docker.sh
 * setup`, or docker/dockerd/start.sh and `emu pull --runtime docker`).
 */
export async function dockerForTests(references: string[] = ['nginx']): Promise<{ client?: ContainerRuntimeClient; skipReason: string }> {
  if (process.getuid?.() !== 0) return { skipReason: 'the Docker runtime needs root' };
  try {
    const client = await connectDocker();
    for (const recipe of recipesFor(references)) {
      if (!(await client.container.dockerode.getImage(recipe.tag).inspect().catch(() => undefined))) {
        return { skipReason: `image ${recipe.tag} is not built (run: node bin/emu.mjs pull --runtime docker ${references.join(' ')})` };
      }
    }
    return { client, skipReason: '' };
  } catch (error) {
    return { skipReason: (error as Error).message };
  }
}

/** The names of containers still on the daemon for emu clusters under this home (none once a cluster is down). */
export async function dockerLeftovers(client: ContainerRuntimeClient, home: string): Promise<string[]> {
  const all = await client.container.dockerode.listContainers({ all: true, filters: { label: [LABELS.cluster] } });
  return all.filter((c) => c.Labels[LABELS.cluster]?.startsWith(home)).map((c) => c.Names[0]);
}
