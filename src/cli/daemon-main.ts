import { Cluster } from '../engine/cluster.ts';
import { clusterPaths } from '../engine/cluster-paths.ts';
import { serveApi } from '../daemon/api-host.ts';

/** `emu __daemon`: the node's main process (the only child of its init), started by ensureDaemon; serves the cluster's API until stopped. */
export async function daemonMain(): Promise<void> {
  const paths = clusterPaths();
  const cluster = await Cluster.start({ paths, podCidr: process.env.EMU_POD_CIDR, serviceCidr: process.env.EMU_SERVICE_CIDR });
  const api = await serveApi(cluster);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await api.close();
      await cluster.shutdown();
      process.exit(0);
    })();
  };
  // The node's init (tini) forwards TERM/INT/HUP to us: stop gracefully.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
  // A bug in one request must not take every pod down with the daemon: log it.
  process.on('unhandledRejection', (error) => console.error('emu daemon: unhandled rejection:', error));
  console.log(`emu daemon for cluster ${paths.name}: API on ${paths.apiSocket}`);
}
