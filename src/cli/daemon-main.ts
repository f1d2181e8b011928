import { Cluster } from '../engine/cluster.ts';
import { clusterPaths } from '../engine/cluster-paths.ts';
import { DaemonServer } from '../daemon/server.ts';

/** `emu __daemon`: runs in the node started by ensureDaemon, as the only child of its init. */
export async function daemonMain(): Promise<void> {
  const paths = clusterPaths();
  const cluster = await Cluster.start({ paths, podCidr: process.env.EMU_POD_CIDR, serviceCidr: process.env.EMU_SERVICE_CIDR });
  const server = new DaemonServer(cluster, paths, () => process.exit(0));
  await server.listen();
  // The node's init forwards TERM/INT/HUP to us: stop gracefully.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void server.stop());
  // A bug in one request must not take every pod down with the daemon: log it.
  process.on('unhandledRejection', (error) => console.error('emu daemon: unhandled rejection:', error));
  console.log(`emu daemon for cluster ${paths.name} listening on ${paths.socket}`);
}
