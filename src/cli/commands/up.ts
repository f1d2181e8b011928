import { clusterPaths } from '../../engine/cluster-paths.ts';
import { ensureDaemon } from '../../daemon/launch.ts';
import { kubeconfigCommand } from './kubeconfig.ts';

/**
 * emu up: start the cluster (empty) if it is not running, and — like `kind
 * create cluster` — merge its kubeconfig and make it kubectl's current context.
 */
export async function upCommand(options: { kubeconfig?: boolean }): Promise<void> {
  const paths = clusterPaths();
  await ensureDaemon(paths);
  console.log(`cluster "${paths.name}" is running`);
  if (options.kubeconfig !== false) await kubeconfigCommand({ merge: true });
}
