import { existsSync } from 'node:fs';
import { defaultKubeconfigPath, removeFromKubeconfig } from '../../api/kubeconfig.ts';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { stopDaemon } from '../../daemon/launch.ts';

export async function downCommand(options: { volumes?: boolean }): Promise<void> {
  const paths = clusterPaths();
  const wasRunning = await stopDaemon(paths, { volumes: Boolean(options.volumes) });
  console.log(wasRunning ? `cluster "${paths.name}" stopped` : `cluster "${paths.name}" was not running`);
  if (options.volumes) console.log(`volumes in ${paths.volumes} deleted`);
  else console.log(`volumes kept in ${paths.volumes} (emu down --volumes deletes them)`);
  // As `kind delete cluster`: the cluster's kubeconfig entries go with it.
  const kubeconfig = defaultKubeconfigPath();
  if (existsSync(kubeconfig)) await removeFromKubeconfig(kubeconfig, paths.name);
}
