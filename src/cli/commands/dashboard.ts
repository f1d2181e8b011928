/**
 * emu dashboard [--port N]: serve the live picture of the cluster on loopback
 * until Ctrl-C. It may start before the cluster does: the page says it is
 * waiting, and fills in once `emu apply` brings the cluster up.
 */
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { EmuError } from '../../errors.ts';
import { Dashboard } from '../../dashboard/dashboard.ts';

export async function dashboardCommand(options: { port: string }): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EmuError('USAGE', `--port must be a port number (0-65535, 0 for any free port), got "${options.port}"`);
  const paths = clusterPaths();
  const dashboard = new Dashboard(paths, port);
  let url: string;
  try {
    url = await dashboard.start();
  } catch (error) {
    await dashboard.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new EmuError('USAGE', `port ${port} is in use on 127.0.0.1: pick another with --port N (or --port 0 for any free port)`);
    throw error;
  }
  console.log(`emu dashboard for cluster "${paths.name}": ${url}`);
  console.log('open it in a browser on this machine (only you can); Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  await dashboard.stop();
}
