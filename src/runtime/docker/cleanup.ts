import type { ContainerRuntimeClient } from 'testcontainers';
import { LABELS } from './docker-names.ts';

/**
 * Remove every container a cluster left on the Docker daemon, found by its
 * label: after `emu down`, after Ctrl-C, and at the next start after emu was
 * killed outright (nothing of the node is left to do it then). Sandboxes go
 * last, so no container loses its network under it. Returns how many were removed.
 */
export async function removeClusterContainers(client: ContainerRuntimeClient, cluster: string): Promise<number> {
  const docker = client.container.dockerode;
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABELS.cluster}=${cluster}`] } });
  const isSandbox = (c: (typeof found)[number]) => c.Labels[LABELS.role] === 'sandbox';
  const remove = (c: (typeof found)[number]) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await Promise.all(found.filter((c) => !isSandbox(c)).map(remove));
  await Promise.all(found.filter(isSandbox).map(remove));
  return found.length;
}
