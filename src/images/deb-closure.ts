import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EmuError } from '../errors.ts';

/** One package apt would install: its archive's file name follows apt's own rule. */
export interface DebPackage {
  name: string;
  version: string;
  arch: string;
}

/** apt's archive file name: name_version_arch.deb, with the epoch's ":" escaped. */
export function debFileName(pkg: DebPackage): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${pkg.arch}.deb`;
}

/** The "Inst" lines of `apt-get install -s`: what would be installed, dependencies included. */
export function parseSimulation(output: string): DebPackage[] {
  const packages: DebPackage[] = [];
  for (const line of output.split('\n')) {
    const match = /^Inst (\S+) (?:\[\S+\] )?\((\S+) .*\[(\S+)\]\)/.exec(line);
    if (match) packages.push({ name: match[1], version: match[2], arch: match[3] });
  }
  return packages;
}

/**
 * The .deb files that install `packages` on an image whose dpkg status file is
 * `status`: apt on this host resolves the dependencies against that status
 * (not the host's) and downloads what is missing into `archives` (a cache kept
 * between builds). Returns their paths, in apt's order.
 */
export async function debClosure(packages: readonly string[], status: string, archives: string): Promise<string[]> {
  if (packages.length === 0) return [];
  await mkdir(join(archives, 'partial'), { recursive: true });
  const options = [
    '--no-install-recommends',
    '-o', `Dir::State::status=${status}`,
    '-o', `Dir::Cache::archives=${archives}`,
    // Leave the host's own apt state alone: no package cache files, no lock.
    '-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=', '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root',
  ];
  const simulated = await execa('apt-get', ['install', '-s', ...options, ...packages], { reject: false, env: { LC_ALL: 'C' } });
  if (simulated.exitCode !== 0) {
    const why = simulated.stderr.trim().split('\n').filter((l) => l.startsWith('E:')).join(' ') || simulated.stderr.trim();
    throw new EmuError('IMAGE_PULL_FAILED', `cannot resolve Debian packages ${packages.join(' ')}: ${why} (run apt-get update first?)`);
  }
  const closure = parseSimulation(simulated.stdout);
  const download = await execa('apt-get', ['install', '-y', '-qq', '--download-only', ...options, ...packages], { reject: false, all: true, env: { LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' } });
  if (download.exitCode !== 0) {
    throw new EmuError('IMAGE_PULL_FAILED', `downloading Debian packages ${packages.join(' ')} failed: ${download.all?.trim().split('\n').slice(-2).join(' | ')}`);
  }
  return closure.map((pkg) => join(archives, debFileName(pkg)));
}
