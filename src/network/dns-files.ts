/**
 * The DNS files every pod and the node see. /etc/hosts is a symlink into a
 * directory mounted at DNS_MOUNT_POINT (the cluster hosts file is replaced by
 * rename, which a bind mount of the file itself would never see).
 */
export const DNS_MOUNT_POINT = '/etc/.emu-dns';

/**
 * Names missing from the hosts file must fail at once, not after the host's
 * nameserver (unreachable from the node) times out: the node's own address has
 * no DNS server, so a query there is refused immediately.
 */
export function resolvConf(nodeIp: string): string {
  return `# emu: cluster names come from /etc/hosts\nnameserver ${nodeIp}\noptions timeout:1 attempts:1\n`;
}
