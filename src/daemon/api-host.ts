/**
 * Serving a cluster's API from inside its node: HTTPS on the Unix socket
 * run/api.sock (only the owner can open it: run/ is 0700), with the cluster's
 * own CA and certificates kept in pki/ across restarts. emu's CLI connects to
 * the socket directly; kubectl reaches it through the loopback gateway.
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { ensureCredentials } from '../api/credentials.ts';
import { ApiServer } from '../api/server.ts';
import type { Cluster } from '../engine/cluster.ts';
import { KubeletPodStreams } from '../kubelet/pod-streams.ts';

export async function serveApi(cluster: Cluster): Promise<ApiServer> {
  const { paths } = cluster;
  const credentials = await ensureCredentials(paths.pki, { cluster: paths.name });
  const server = new ApiServer({
    store: cluster.store,
    tls: { key: credentials.serverKey, cert: credentials.serverCert, ca: credentials.caCert },
    pods: new KubeletPodStreams(cluster.kubelet),
  });
  await mkdir(paths.run, { recursive: true, mode: 0o700 });
  await chmod(paths.run, 0o700);
  await rm(paths.apiSocket, { force: true });
  await server.listen({ path: paths.apiSocket });
  await chmod(paths.apiSocket, 0o600);
  return server;
}
