import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * fsGroup, as the kubelet applies it to a volume before the pod starts: every
 * file and directory gets the group, group read-write (read-only for a
 * read-only volume), and directories group search plus setgid, so what the
 * pod creates later inherits the group. Volumes are id-mapped into pods, so the
 * group on disk is the group the pod sees. Returns false when this user may not
 * hand out that group (emu unprivileged: a user namespace with one id).
 */
export async function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean): Promise<boolean> {
  try {
    await apply(dir, fsGroup, readOnly ? 0o440 : 0o660);
    return true;
  } catch (error) {
    if (['EINVAL', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

async function apply(path: string, gid: number, mask: number): Promise<void> {
  const info = await lstat(path);
  await lchown(path, info.uid, gid);
  if (info.isSymbolicLink()) return;
  if (!info.isDirectory()) return void (await chmod(path, (info.mode & 0o7777) | mask));
  await chmod(path, (info.mode & 0o7777) | mask | 0o110 | 0o2000);
  for (const entry of await readdir(path)) await apply(join(path, entry), gid, mask);
}
