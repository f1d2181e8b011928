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
  /** Per-container scratch directory on the host (overlay upper dirs, /tmp). */
  scratch: string;
  /** Directory holding the cluster hosts file; /etc/hosts points into it. */
  dnsDir: string;
  /** Does this path exist as the container would see it before any mount? */
  exists: (path: string) => boolean;
}

export interface MountPlan {
  /** Shell commands that build the container's private mount table. */
  commands: string[];
  /** Non-empty when the container must chroot into a new root (a mountPath directly under "/"). */
  root: string;
}

export const DNS_MOUNT_POINT = '/etc/.emu-dns';

/**
 * Decide how to build one container's mount table without touching the host
 * filesystem: volumes are bind-mounted at their mountPaths; a mountPath that does
 * not exist gets its mount point from an overlay over its nearest existing
 * ancestor (so the host directory is never written), or — when that ancestor is
 * "/" itself — from a new root made of bind mounts of the host's top-level entries.
 * /run and /tmp are private to the container. Pure: the caller runs the commands.
 */
export function planMounts(input: MountPlanInput): MountPlan {
  const { mounts, scratch, exists } = input;
  const commands: string[] = [];
  const needsNewRoot = mounts.some((m) => !exists(m.target) && nearestExisting(m.target, exists) === '/');
  const root = needsNewRoot ? join(scratch, 'root') : '';
  if (needsNewRoot) commands.push(...newRootCommands(root));

  const overlaid = new Set<string>();
  for (const mount of [...mounts].sort((a, b) => a.target.length - b.target.length)) {
    const target = root + mount.target;
    if (!exists(mount.target)) {
      const ancestor = nearestExisting(mount.target, exists);
      if (ancestor !== '/' && !overlaid.has(ancestor) && ![...overlaid].some((o) => ancestor.startsWith(o + '/'))) {
        overlaid.add(ancestor);
        const layer = join(scratch, 'overlay', String(overlaid.size));
        commands.push(
          `mkdir -p ${q(layer + '/upper')} ${q(layer + '/work')}`,
          `mount -t overlay overlay -o ${q(`lowerdir=${ancestor},upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(root + ancestor)}`,
        );
        // An overlay hides mounts beneath it: put the DNS directory back.
        if (DNS_MOUNT_POINT.startsWith(ancestor + '/')) commands.push(`mount --bind ${q(input.dnsDir)} ${q(root + DNS_MOUNT_POINT)}`);
      }
      commands.push(`mkdir -p ${q(target)}`);
    }
    commands.push(`mount --bind ${q(mount.source)} ${q(target)}`);
    if (mount.readOnly) commands.push(`mount -o remount,bind,ro ${q(target)}`);
  }
  commands.push(`mount -t tmpfs -o mode=755 tmpfs ${q(root + '/run')}`);
  commands.push(`mkdir -p ${q(scratch + '/tmp')} && chmod 1777 ${q(scratch + '/tmp')}`);
  commands.push(`mount --bind ${q(scratch + '/tmp')} ${q(root + '/tmp')}`);
  return { commands, root };
}

function nearestExisting(path: string, exists: (p: string) => boolean): string {
  let current = dirname(path);
  while (current !== '/' && !exists(current)) current = dirname(current);
  return current;
}

/** A tmpfs root holding bind mounts of every top-level entry of the host's "/". */
function newRootCommands(root: string): string[] {
  return [
    `mkdir -p ${q(root)}`,
    `mount -t tmpfs -o mode=755 tmpfs ${q(root)}`,
    `for entry in /* /.[!.]*; do name=\${entry#/}; [ -e "$entry" ] || [ -L "$entry" ] || continue; ` +
      `if [ -L "$entry" ]; then ln -s "$(readlink "$entry")" ${q(root)}/"$name"; ` +
      `elif [ -d "$entry" ]; then mkdir ${q(root)}/"$name" && mount --rbind "$entry" ${q(root)}/"$name"; ` +
      `else touch ${q(root)}/"$name" && mount --bind "$entry" ${q(root)}/"$name"; fi; done`,
  ];
}
