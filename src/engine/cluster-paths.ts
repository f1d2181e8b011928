import { chmod, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmuError } from '../errors.ts';

/**
 * Where a cluster keeps its files. Volumes (one directory per claim) outlive the
 * cluster until `emu down --volumes`; everything under run/ is per-run state.
 *
 *   $EMU_HOME (default ~/.emu)/clusters/<cluster>/
 *     volumes/<namespace>/<claim>-<set>-<ordinal>/   persistent volumes, open them freely
 *     pki/                                           the cluster's CA and certificates (0700)
 *     api-port                                       the loopback port kubectl uses (kept across restarts)
 *     labs/<lab>.json                                the last `emu lab check` of each lab (the dashboard shows it)
 *     run/api.sock                                   the Kubernetes API (HTTPS on a Unix socket)
 *     run/daemon.json  run/daemon.log
 *     run/dns/hosts                                  the cluster DNS (pods' /etc/hosts)
 *     run/pods/<namespace>/<pod>/<uid>/              scratch, logs, projected volumes
 */
export interface ClusterPaths {
  name: string;
  root: string;
  volumes: string;
  run: string;
  dns: string;
  pods: string;
  /** The Kubernetes API, HTTPS over a Unix socket (emu's own CLI uses it directly). */
  apiSocket: string;
  /** Where the loopback port for kubectl is remembered, so kubeconfigs stay valid. */
  apiPort: string;
  pki: string;
  /** The last result of each `emu lab check`, kept across restarts. */
  labs: string;
  daemonInfo: string;
  daemonLog: string;
}

/**
 * Create the cluster directory (if missing) accessible only to its owner: volumes,
 * projected Secrets and logs below it stay private to that user, whatever their modes.
 */
export async function makeClusterDir(paths: ClusterPaths): Promise<void> {
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await chmod(paths.root, 0o700);
}

export function clusterPaths(name = process.env.EMU_CLUSTER || 'default', home = process.env.EMU_HOME ?? join(homedir(), '.emu')): ClusterPaths {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) {
    throw new EmuError('USAGE', `invalid cluster name "${name}": use lowercase letters, digits and '-'`);
  }
  // Anywhere, /tmp included: the node mounts volumes into containers from its own view.
  const root = join(resolve(home), 'clusters', name);
  const run = join(root, 'run');
  return {
    name,
    root,
    volumes: join(root, 'volumes'),
    run,
    dns: join(run, 'dns'),
    pods: join(run, 'pods'),
    apiSocket: join(run, 'api.sock'),
    apiPort: join(root, 'api-port'),
    pki: join(root, 'pki'),
    labs: join(root, 'labs'),
    daemonInfo: join(run, 'daemon.json'),
    daemonLog: join(run, 'daemon.log'),
  };
}

/** A claim's directory: `volumes/<namespace>/<claim>`, the one place this name is built. */
export function claimDirectory(paths: ClusterPaths, namespace: string, claim: string): string {
  return join(paths.volumes, namespace, claim);
}
