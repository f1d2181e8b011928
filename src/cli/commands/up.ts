import { clusterPaths } from '../../engine/cluster-paths.ts';
import { ensureDaemon } from '../../daemon/launch.ts';
import { kubeconfigCommand } from './kubeconfig.ts';
import { terminalProgress } from '../../util/progress.ts';
import { prepareRuntime } from '../runtime-setup.ts';

/**
 * emu up: start the cluster (empty) if it is not running, and — like `kind
 * create cluster` — merge its kubeconfig and make it kubectl's current context.
 * --runtime (or EMU_RUNTIME) chooses where its pods run; a running cluster keeps its own.
 */
export async function upCommand(options: { kubeconfig?: boolean; runtime?: string }): Promise<void> {
  const paths = clusterPaths();
  const runtime = await prepareRuntime(paths, { option: options.runtime, references: [], progress: terminalProgress() });
  await ensureDaemon(paths, runtime);
  console.log(`cluster "${paths.name}" is running (runtime: ${runtime})`);
  if (options.kubeconfig !== false) await kubeconfigCommand({ merge: true });
}
