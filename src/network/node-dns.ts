import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmuError } from '../errors.ts';
import { DNS_MOUNT_POINT } from './dns-files.ts';
import { renderResolvConf } from './dns-records.ts';

/**
 * Make the node's /etc/hosts the cluster's hosts file, so emu's own processes
 * (scenario code) resolve names as pods do (pods get the same arrangement in
 * their own layer; see runtime/native/container-fs.ts).
 * A bind mount of the file itself would pin one inode and miss every rename, so
 * /etc gets an overlay (in the node's private mount namespace only) in which
 * `hosts` is a symlink into a bind-mounted directory, where rename works.
 * `resolv.conf` names the cluster's DNS server on the node's address.
 */
export async function installClusterHosts(runDir: string, dnsDir: string, nodeIp: string): Promise<void> {
  const layer = join(runDir, 'etc-overlay');
  await rm(layer, { recursive: true, force: true });
  await mkdir(join(layer, 'upper', DNS_MOUNT_POINT.slice('/etc/'.length)), { recursive: true });
  await mkdir(join(layer, 'work'), { recursive: true });
  await symlink(`${DNS_MOUNT_POINT}/hosts`, join(layer, 'upper', 'hosts'));
  // The cluster's DNS server on the node's address, with the search path the
  // kubelet writes for the default namespace. It answers every query at once
  // (names outside the cluster are refused, no upstream is reachable).
  await writeFile(join(layer, 'upper', 'resolv.conf'), renderResolvConf(nodeIp, 'default').replace('options ndots:5', 'options ndots:5 timeout:1 attempts:2'));
  try {
    await execa('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=/etc,upperdir=${layer}/upper,workdir=${layer}/work`, '/etc']);
    await execa('mount', ['--bind', dnsDir, DNS_MOUNT_POINT]);
  } catch (error) {
    throw new EmuError('RUNTIME_FAILED', `could not give the node its cluster /etc/hosts: ${(error as { stderr?: string }).stderr ?? error}`, { cause: error });
  }
}
