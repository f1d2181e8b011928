import type { ContainerRuntimeClient } from 'testcontainers';
import type { ClusterPaths } from '../../engine/cluster-paths.ts';
import { connectDocker } from './docker-client.ts';
import { LABELS } from './docker-names.ts';

/**
 * Remove every container (and network) a cluster left on the Docker daemon,
 * found by its label: at the cluster's shutdown (`emu down`, Ctrl-C), and at the
 * next start or `emu down` after emu was killed outright (nothing of the node
 * is left to do it then). Sandboxes go last, so no container loses its network
 * under it. Returns how many containers were removed.
 */
export async function removeClusterContainers(client: ContainerRuntimeClient, cluster: string): Promise<number> {
  const docker = client.container.dockerode;
  const filters = { label: [`${LABELS.cluster}=${cluster}`] };
  const found = await docker.listContainers({ all: true, filters });
  const isSandbox = (c: (typeof found)[number]) => c.Labels[LABELS.role] === 'sandbox';
  const remove = (c: (typeof found)[number]) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await Promise.all(found.filter((c) => !isSandbox(c)).map(remove));
  await Promise.all(found.filter(isSandbox).map(remove));
  // emu makes no Docker networks (pods join the node's bridge), but whatever carries the label goes.
  for (const network of await docker.listNetworks({ filters })) await docker.getNetwork(network.Id).remove().catch(() => undefined);
  return found.length;
}

/** `emu down` after a Docker cluster's daemon is gone: its containers, if the daemon is reachable (else nothing can be left running there to matter now). */
export async function removeDockerLeftovers(paths: ClusterPaths): Promise<number> {
  const client = await connectDocker().catch(() => undefined);
  return client ? removeClusterContainers(client, paths.root) : 0;
}
