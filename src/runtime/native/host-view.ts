import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { DNS_MOUNT_POINT } from '../../network/dns-files.ts';
import type { LowerMode } from './oci-config.ts';

/**
 * What a container sees of the host, read once in the node: the top-level
 * entries of the root filesystem (each directory becomes an overlay with a
 * writable layer of the container's own; symlinks such as bin -> usr/bin are
 * copied) and the other filesystems mounted below "/" (shown read-only).
 */
export interface HostView {
  entries: HostEntry[];
  /** Top-level directories that get a writable layer. */
  overlayDirs: string[];
  /** Shown read-only, with what is mounted below them. */
  readOnlyMounts: string[];
  /**
   * Top-level directories rebuilt from their entries instead (`direct` only): a
   * tmpfs holding read-only binds of what the host has there, where new mount
   * points can still be made.
   */
  shadowDirs: { dir: string; mode: number; entries: string[] }[];
}

export type HostEntry = { name: string; kind: 'dir'; mode: number; uid: number; gid: number } | { name: string; kind: 'link'; target: string };

/** Directories each container gets from its runtime instead of the host (see oci-config systemMounts). */
export const RUNTIME_DIRS = ['proc', 'sys', 'dev', 'run', 'tmp'];
/** Top-level directories that hold nothing a container could use. */
const SKIPPED = new Set(['lost+found']);

/**
 * With `direct` lower layers (no id-mapped mounts), a directory with other
 * filesystems mounted below it cannot be a lower layer in a user namespace (its
 * submounts are locked): it is rebuilt from read-only binds of its entries.
 */
export function readHostView(mode: LowerMode, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): HostView {
  const entries: HostEntry[] = [];
  for (const name of readdirSync('/')) {
    if (SKIPPED.has(name)) continue;
    const info = lstatSync(`/${name}`, { throwIfNoEntry: false });
    if (info?.isSymbolicLink()) entries.push({ name, kind: 'link', target: readlinkSync(`/${name}`) });
    else if (info?.isDirectory()) entries.push({ name, kind: 'dir', mode: info.mode & 0o7777, uid: info.uid, gid: info.gid });
  }
  const dirs = entries.filter((e) => e.kind === 'dir' && !RUNTIME_DIRS.includes(e.name)).map((e) => e.name);
  const mounts = otherHostMounts(mountinfo);
  if (mode === 'idmapped') return { entries, overlayDirs: dirs, readOnlyMounts: mounts, shadowDirs: [] };
  const covering = new Set(mounts.map((m) => m.split('/')[1]));
  const shadowDirs = dirs
    .filter((d) => covering.has(d))
    .map((dir) => ({
      dir,
      mode: lstatSync(`/${dir}`).mode & 0o7777,
      entries: readdirSync(`/${dir}`, { withFileTypes: true }).filter((e) => e.isDirectory() || e.isFile()).map((e) => e.name),
    }));
  return { entries, overlayDirs: dirs.filter((d) => !covering.has(d)), readOnlyMounts: [], shadowDirs };
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * Mount points below "/" to show read-only in containers: not "/" itself (the
 * overlays cover it), not what the runtime provides (/proc, /sys, /dev, /run,
 * /tmp), not the node's own /etc overlay and DNS directory; only the outermost
 * of nested ones (their binds are recursive).
 */
export function otherHostMounts(mountinfo: string): string[] {
  const points = mountinfo
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4]))
    .filter((p) => p !== '/' && !RUNTIME_DIRS.some((d) => under(p, `/${d}`)) && p !== '/etc' && !under(p, DNS_MOUNT_POINT));
  const unique = [...new Set(points)].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && under(p, q)));
}

/** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
