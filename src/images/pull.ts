import { execa } from 'execa';
import { EmuError } from '../errors.ts';
import type { Progress } from '../util/progress.ts';
import { findImage, type NativeImage } from './catalog.ts';

/** Debian packages not yet installed, asked of dpkg itself. */
export async function missingPackages(packages: readonly string[]): Promise<string[]> {
  if (packages.length === 0) return [];
  const result = await execa('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...packages], { reject: false });
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

/** What to tell someone who cannot install: which image needs which missing package, and the one command that installs them all. */
export function missingPackagesMessage(images: readonly NativeImage[], missing: readonly string[]): string {
  const needs = images
    .map((i) => [i.name, i.aptPackages.filter((p) => missing.includes(p))] as const)
    .filter(([, packages]) => packages.length > 0)
    .map(([name, packages]) => `${name} needs ${packages.join(' ')}`);
  return `images need Debian packages that are not installed (${needs.join('; ')}); install them with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

/**
 * "Pull" the images a set of containers needs: install the Debian packages whose
 * binaries they run, and run any extra pull step (e.g. Maven for Elasticsearch).
 * Without root it says exactly what to install instead.
 */
export async function pullImages(references: readonly string[], progress: Progress): Promise<NativeImage[]> {
  const images = [...new Map(references.map((r) => [findImage(r).name, findImage(r)])).values()];
  const missing = await missingPackages([...new Set(images.flatMap((i) => i.aptPackages))]);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) throw new EmuError('IMAGE_PULL_FAILED', missingPackagesMessage(images, missing));
    await aptInstall(missing, progress);
  }
  for (const image of images) {
    if (!image.pullScript) continue;
    progress.update(`pulling ${image.name}`);
    await runStep(image.pullScript, [], progress, `pull step for ${image.name} failed`, image.pullEnv);
  }
  progress.done();
  return images;
}

async function aptInstall(packages: string[], progress: Progress): Promise<void> {
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', '-o', 'Dpkg::Use-Pty=0', ...packages];
  // A package's postinst may start its service (nginx does): run apt in its own
  // PID namespace so anything it starts dies when apt is done.
  const isolated = ['unshare', '--pid', '--fork', '--kill-child=SIGKILL', '--mount-proc', '--', ...install];
  progress.update(`installing ${packages.join(' ')}`);
  try {
    await runStep(isolated[0], isolated.slice(1), progress, 'apt-get install failed');
  } catch {
    progress.update('apt-get update');
    await runStep('apt-get', ['update'], progress, 'apt-get update failed');
    await runStep(isolated[0], isolated.slice(1), progress, `apt-get install ${packages.join(' ')} failed; run it yourself to see why`);
  }
}

async function runStep(file: string, args: string[], progress: Progress, failure: string, env: Record<string, string> = {}): Promise<void> {
  const child = execa(file, args, { all: true, reject: false, env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
  child.all?.on('data', (chunk: Buffer) => {
    const last = chunk.toString().trim().split('\n').pop();
    if (last) progress.update(last.slice(0, 100));
  });
  const result = await child;
  if (result.exitCode !== 0) {
    const tail = (result.all ?? '').trim().split('\n').slice(-3).join(' | ');
    throw new EmuError('IMAGE_PULL_FAILED', `${failure}: ${tail}`);
  }
}
