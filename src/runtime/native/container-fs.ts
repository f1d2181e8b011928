import { existsSync, lchownSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HostView } from './host-view.ts';
import { DNS_MOUNT_POINT } from '../../network/dns-files.ts';
import { LOWER, MERGED, type LowerMode } from './oci-config.ts';

/** One run of a container on disk: its skeleton root and the upper and work directories of its layer. */
export interface ContainerFs {
  rootfs: string;
  upperDir: string;
  workDir: string;
}

export interface ContainerFsInput {
  /** A fresh directory for this run of the container. */
  dir: string;
  view: HostView;
  lowerMode: LowerMode;
  /** The host id of root in the pod (its user namespace's first id), or undefined when ids are not ours to choose. */
  rootId?: number;
  /** Mount points to make where the host has none (directories unless listed in `files`). */
  mountPoints: string[];
  files: ReadonlySet<string>;
  hostname: string;
  resolvConf: string;
}

/** Top-level directory of image material (catalog.ts): a directory of the skeleton, never of the host. */
export const IMAGE_ROOT = '/emu';

/**
 * Lay out a container's filesystem without touching the host's: a skeleton root
 * (the host's top-level symlinks; with one overlay per top-level directory, a
 * directory for each too — with one overlay of the whole root, crun makes those
 * mount points itself), and an upper
 * layer holding what the container must see from the start — /etc/hosts as a
 * symlink into the cluster DNS directory (which is replaced by rename, so a bind
 * mount of the file would go stale), /etc/resolv.conf, /etc/hostname, and mount
 * points the host lacks (an unprivileged user namespace may not create them
 * later). What the layer holds takes the lower directory's mode and, mapped into
 * the pod's ids, its owner: the container sees its directories as the host has them.
 */
export function prepareContainerFs(input: ContainerFsInput): ContainerFs {
  const fs: ContainerFs = { rootfs: join(input.dir, 'rootfs'), upperDir: join(input.dir, 'upper'), workDir: join(input.dir, 'work') };
  const own = (path: string, uid = 0, gid = 0) => {
    if (input.rootId !== undefined) lchownSync(path, input.rootId + uid, input.rootId + gid);
  };
  mkdirSync(fs.rootfs, { recursive: true });
  own(fs.rootfs);
  // One overlay of the whole root (idmapped, see oci-config rootLayers), or one per top-level directory.
  const whole = input.lowerMode === 'idmapped';
  for (const entry of input.view.entries) {
    const path = join(fs.rootfs, entry.name);
    if (entry.kind === 'link') symlinkSync(entry.target, path);
    // Every top-level directory is a mount point: crun makes those it does not find (with the whole root overlaid, nothing shows through).
    else if (whole) continue;
    else mkdirSync(path, { mode: entry.mode });
    own(path);
  }
  for (const extra of [IMAGE_ROOT, ...(whole ? [LOWER, MERGED] : [])]) {
    mkdirSync(join(fs.rootfs, extra));
    own(join(fs.rootfs, extra));
  }
  const lowerDirs = new Map(input.view.entries.flatMap((e) => (e.kind === 'dir' ? [[e.name, e] as const] : [])));
  for (const base of [fs.upperDir, fs.workDir]) {
    mkdirSync(base);
    if (whole) {
      own(base);
      continue;
    }
    for (const dir of input.view.overlayDirs) {
      const path = join(base, dir);
      const lower = lowerDirs.get(dir)!;
      mkdirSync(path, { mode: lower.mode });
      own(path, base === fs.upperDir ? lower.uid : 0, base === fs.upperDir ? lower.gid : 0);
    }
  }

  // What the upper layer holds from the start.
  const layer = (path: string) => join(fs.upperDir, path);
  const ensureDirs = (path: string) => {
    const parts = path.split('/').filter(Boolean);
    for (let i = whole ? 1 : 2; i <= parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (existsSync(layer(dir))) continue;
      const lower = statSync(dir, { throwIfNoEntry: false });
      mkdirSync(layer(dir), { mode: lower?.isDirectory() ? lower.mode & 0o7777 : 0o755 });
      own(layer(dir), lower?.uid ?? 0, lower?.gid ?? 0);
    }
  };
  const overlaid = (path: string) => input.view.overlayDirs.includes(path.split('/')[1]);
  for (const point of [DNS_MOUNT_POINT, ...input.mountPoints]) {
    if (!overlaid(point) || existsSync(point)) continue;
    if (input.files.has(point)) {
      ensureDirs(dirname(point));
      writeFileSync(layer(point), '', { mode: 0o644 });
      own(layer(point));
    } else ensureDirs(point);
  }
  if (input.view.overlayDirs.includes('etc')) {
    if (whole) ensureDirs('/etc');
    symlinkSync(`${DNS_MOUNT_POINT}/hosts`, layer('/etc/hosts'));
    own(layer('/etc/hosts'));
    for (const [file, content] of [['resolv.conf', input.resolvConf], ['hostname', `${input.hostname}\n`]]) {
      writeFileSync(layer(`/etc/${file}`), content, { mode: 0o644 });
      own(layer(`/etc/${file}`));
    }
  }
  return fs;
}
