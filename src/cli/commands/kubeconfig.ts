import { readFile } from 'node:fs/promises';
import { credentialPaths } from '../../api/credentials.ts';
import { contextName, defaultKubeconfigPath, mergeKubeconfig, renderKubeconfig, type KubeconfigInput } from '../../api/kubeconfig.ts';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { isRunning, startGateway } from '../../daemon/launch.ts';
import { EmuError } from '../../errors.ts';

/**
 * emu kubeconfig [--merge]: a kubeconfig for the running cluster (context
 * `emu-<cluster>`), printed, or merged into ~/.kube/config (or $KUBECONFIG's
 * first file) and made current, as kind and k3d do.
 */
export async function kubeconfigCommand(options: { merge?: boolean }): Promise<void> {
  const paths = clusterPaths();
  if (!(await isRunning(paths))) throw new EmuError('CLUSTER_NOT_RUNNING', `no emu cluster "${paths.name}" is running here; start one with \`emu apply -f FILE\``);
  const port = await startGateway(paths);
  const pki = credentialPaths(paths.pki);
  const [caCert, clientCert, clientKey] = await Promise.all([pki.caCert, pki.clientCert, pki.clientKey].map((p) => readFile(p, 'utf8')));
  const input: KubeconfigInput = { cluster: paths.name, server: `https://127.0.0.1:${port}`, caCert, clientCert, clientKey };
  if (!options.merge) return void process.stdout.write(renderKubeconfig(input));
  const file = defaultKubeconfigPath();
  await mergeKubeconfig(file, input);
  console.log(`Set kubectl context to "${contextName(paths.name)}" in ${file}`);
}
