import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Canaries a test plants on the host to prove that pods never change it: small
 * trees of files (and a tool on PATH) that only the test created, recorded byte
 * for byte, and removed by the test afterwards. Never the machine's own files.
 */
export interface CanaryTree {
  root: string;
  /** `a.txt` holds CANARY_TEXT; `sub/b.txt` and `sub/deep/c.bin` are more to delete. */
  files: string[];
}

export const CANARY_TEXT = 'canary';

export function plantTree(parent: string, tag: string): CanaryTree {
  const root = join(parent, `emu-canary-${tag}`);
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), `${CANARY_TEXT}\n`);
  writeFileSync(join(root, 'sub', 'b.txt'), 'more\n');
  writeFileSync(join(root, 'sub', 'deep', 'c.bin'), Buffer.from([0, 1, 2, 255]));
  return { root, files: ['a.txt', 'sub/b.txt', 'sub/deep/c.bin'].map((f) => join(root, f)) };
}

/** An executable the test puts on PATH, for a pod to `mv` away. */
export function plantTool(dir: string, tag: string): string {
  const path = join(dir, `emu-canary-tool-${tag}`);
  writeFileSync(path, `#!/bin/sh\necho ${CANARY_TEXT}\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Everything about these paths and what is below them that a change would show:
 * type, mode, owner, size and content hash (or link target), and each
 * directory's entries, keyed by path. Missing paths are recorded as missing.
 */
export function snapshot(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (path: string) => {
    if (!existsSync(path) && !lstatSafe(path)) return void (out[path] = 'missing');
    const info = lstatSync(path);
    const head = `${info.mode.toString(8)} ${info.uid}:${info.gid}`;
    if (info.isSymbolicLink()) out[path] = `${head} -> ${readlinkSync(path)}`;
    else if (info.isDirectory()) {
      const entries = readdirSync(path).sort();
      out[path] = `${head} [${entries.join(',')}]`;
      for (const entry of entries) visit(join(path, entry));
    } else out[path] = `${head} ${info.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  };
  for (const path of paths) visit(path);
  return out;
}

function lstatSafe(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export function removeCanaries(paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { recursive: true, force: true });
}
