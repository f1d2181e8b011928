import { dirname, join } from 'node:path';
import { shellQuote as q } from '../util/shell-quote.ts';

export interface VolumeMount {
  /** Host path that backs the mount (a volume directory or a file in it for subPath). */
  source: string;
  /** mountPath inside the container. */
  target: string;
  readOnly: boolean;
}

export interface MountPlanInput {
  mounts: VolumeMount[];
  /** Per-container scratch directory on the host (overlay layers, a new root). */
  scratch: string;
  /** Directory holding the cluster hosts file; /etc/hosts points into it. */
  dnsDir: string;
  /** Does this path exist as the container would see it before any mount? */
  exists: (path: string) => boolean;
  /** Is this source a directory (true) or a file (false)? Defaults to directory. */
  isDirectory?: (path: string) => boolean;
}

export interface MountPlan {
  /** Shell commands that build the container's private mount table. */
  commands: string[];
  /** Non-empty when the container must chroot into a new root (a mountPath directly under "/"). */
  root: string;
}

export const DNS_MOUNT_POINT = '/etc/.emu-dns';
/** Private to the pod: the sandbox mounts a tmpfs on each (see sandbox.ts). */
const PRIVATE_DIRS = ['/run', '/tmp'];

const under = (path: string, dir: string) => path === dir || path.startsWith(dir + '/');

/**
 * Decide how to build one container's mount table without touching the host
 * filesystem. Volumes are bind-mounted at their mountPaths. A mountPath that does
 * not exist gets its mount point from an overlay over its nearest existing
 * ancestor (so the host directory is never written), or — when that ancestor is
 * "/" itself — from a new root made of bind mounts of the host's top-level
 * entries. Order matters, since a later mount hides what is beneath it: overlays
 * first (outermost first), then the volumes (shallowest first). The pod's
 * private /run and /tmp are already tmpfs, so mount points there are just made.
 * No volumes, no commands. Pure: the caller runs the commands.
 */
export function planMounts(input: MountPlanInput): MountPlan {
  const { mounts, scratch, exists } = input;
  const isDirectory = input.isDirectory ?? (() => true);
  const inPrivateDir = (path: string) => PRIVATE_DIRS.some((d) => under(path, d));
  const needsMountPoint = (m: VolumeMount) => !inPrivateDir(m.target) && !exists(m.target);
  const needsNewRoot = mounts.some((m) => needsMountPoint(m) && nearestExisting(m.target, exists) === '/');
  const root = needsNewRoot ? join(scratch, 'root') : '';
  const commands: string[] = [];
  if (needsNewRoot) commands.push(...newRootCommands(root));

  // One overlay per outermost ancestor that must gain new mount points.
  const ancestors = [...new Set(mounts.filter(needsMountPoint).map((m) => nearestExisting(m.target, exists)))]
    .filter((a) => a !== '/')
    .sort((a, b) => a.length - b.length);
  const overlays: string[] = [];
  for (const ancestor of ancestors) {
    if (overlays.some((o) => under(ancestor, o))) continue;
    overlays.push(ancestor);
    const layer = join(scratch, 'overlay', String(overlays.length));
    // Where overlayfs is not allowed (some user namespaces), a tmpfs holding bind
    // mounts of the directory's entries does the same job.
    const shadow = `${layer}/shadow`;
    commands.push(
      `mkdir -p ${q(layer + '/upper')} ${q(layer + '/work')}`,
      `mount -t overlay overlay -o ${q(`lowerdir=${ancestor},upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(root + ancestor)} 2>/dev/null || ` +
        `{ ${shadowCommands(root + ancestor, shadow).join(' && ')} && mount --rbind ${q(shadow)} ${q(root + ancestor)}; }`,
    );
    // An overlay hides mounts beneath it: put the DNS directory back.
    if (under(DNS_MOUNT_POINT, ancestor)) commands.push(`mount --bind ${q(input.dnsDir)} ${q(root + DNS_MOUNT_POINT)}`);
  }

  for (const mount of [...mounts].sort((a, b) => a.target.length - b.target.length)) {
    const target = root + mount.target;
    if (needsMountPoint(mount) || inPrivateDir(mount.target)) {
      // A file (subPath of a single file) needs a file to bind onto.
      commands.push(isDirectory(mount.source) ? `mkdir -p ${q(target)}` : `mkdir -p ${q(dirname(target))} && touch ${q(target)}`);
    }
    commands.push(`mount --bind ${q(mount.source)} ${q(target)}`);
    if (mount.readOnly) commands.push(`mount -o remount,bind,ro ${q(target)}`);
  }
  return { commands, root };
}

function nearestExisting(path: string, exists: (p: string) => boolean): string {
  let current = dirname(path);
  while (current !== '/' && !exists(current)) current = dirname(current);
  return current;
}

/** A tmpfs root holding bind mounts of every top-level entry of the host's "/". */
function newRootCommands(root: string): string[] {
  return shadowCommands('/', root);
}

/** A tmpfs at `dest` that shows `source`'s entries (bind mounts, symlinks copied) and can take new ones. */
function shadowCommands(source: string, dest: string): string[] {
  const prefix = source === '/' ? '' : q(source);
  return [
    `mkdir -p ${q(dest)}`,
    `mount -t tmpfs -o mode=755 tmpfs ${q(dest)}`,
    `for entry in ${prefix}/* ${prefix}/.[!.]*; do name=$(basename "$entry"); [ -e "$entry" ] || [ -L "$entry" ] || continue; ` +
      `if [ -L "$entry" ]; then ln -s "$(readlink "$entry")" ${q(dest)}/"$name"; ` +
      `elif [ -d "$entry" ]; then mkdir ${q(dest)}/"$name" && mount --rbind "$entry" ${q(dest)}/"$name"; ` +
      `else touch ${q(dest)}/"$name" && mount --bind "$entry" ${q(dest)}/"$name"; fi; done`,
  ];
}
