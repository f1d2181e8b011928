/**
 * The DNS files every pod and the node see. /etc/hosts is a symlink into a
 * directory mounted at DNS_MOUNT_POINT (the cluster hosts file is replaced by
 * rename, which a bind mount of the file itself would never see).
 */
export const DNS_MOUNT_POINT = '/etc/.emu-dns';
