import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ContainerRuntimeClient } from 'testcontainers';
import { ImageName } from 'testcontainers';
import { EmuError } from '../errors.ts';
import type { Progress } from '../util/progress.ts';
import { DOCKER_DIR } from './catalog.ts';
import { BASE_TAG } from './docker-recipes.ts';
import { followBuildOutput } from './docker-build-output.ts';

const SUITE = 'bookworm';
const MIRRORS = [
  'deb http://deb.debian.org/debian bookworm main',
  'deb http://deb.debian.org/debian bookworm-updates main',
  'deb http://deb.debian.org/debian-security bookworm-security main',
];

/**
 * The Debian base image every emu image starts FROM: a minimal root filesystem
 * made by mmdebstrap from Debian's mirror (documentation left out), streamed
 * straight into `docker import`. Its dpkg
 * status is kept beside it (`status`), so that images built on it install
 * exactly the packages it lacks (see deb-closure.ts). Built once: an existing
 * image with its status file is kept.
 */
export async function ensureBaseImage(client: ContainerRuntimeClient, buildDir: string, progress: Progress): Promise<{ status: string; built: boolean }> {
  const status = join(buildDir, 'base.status');
  if (existsSync(status) && (await client.image.exists(ImageName.fromString(BASE_TAG)))) return { status, built: false };
  if (!(await execa('mmdebstrap', ['--version'], { reject: false })).stdout) {
    throw new EmuError('IMAGE_PULL_FAILED', 'building the Debian base image needs mmdebstrap: install it with apt-get install -y --no-install-recommends mmdebstrap');
  }
  await mkdir(buildDir, { recursive: true });
  await rm(status, { force: true });
  const hooks = [
    `copy-out /var/lib/dpkg/status ${buildDir}`,
    `upload ${DOCKER_DIR}base/emu-install-debs /usr/local/sbin/emu-install-debs`,
    'chmod 755 "$1/usr/local/sbin/emu-install-debs"',
  ];
  const exclude = ['/usr/share/man/*', '/usr/share/doc/*', '/usr/share/info/*', '/usr/share/locale/*'];
  const mmdebstrap = execa('mmdebstrap', [
    '--variant=minbase', '--mode=root', '--format=tar', '--quiet',
    ...exclude.map((p) => `--dpkgopt=path-exclude=${p}`),
    ...hooks.map((h) => `--customize-hook=${h}`),
    SUITE, '-', ...MIRRORS,
  ], { buffer: { stdout: false, stderr: true }, reject: false, env: { LC_ALL: 'C' } });
  progress.update(`building the Debian base image (mmdebstrap ${SUITE})`);
  const imported = client.container.dockerode.importImage(mmdebstrap.stdout!, {
    repo: BASE_TAG.split(':')[0],
    tag: BASE_TAG.split(':')[1],
    changes: ['CMD ["bash"]', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  } as object);
  const [made, importStream] = await Promise.all([mmdebstrap, imported.catch((error: Error) => error)]);
  if (made.exitCode !== 0) {
    // Whatever the truncated stream imported is no base image.
    await client.container.dockerode.getImage(BASE_TAG).remove().catch(() => undefined);
    const tail = String(made.stderr).trim().split('\n').slice(-3).join(' | ');
    throw new EmuError('IMAGE_PULL_FAILED', `mmdebstrap failed to build the Debian base image: ${tail}`);
  }
  if (importStream instanceof Error) throw new EmuError('IMAGE_PULL_FAILED', `docker import of the Debian base image failed: ${importStream.message}`, { cause: importStream });
  await followBuildOutput(client, importStream, { what: 'docker import of the Debian base image', progress });
  await rename(join(buildDir, 'status'), status);
  return { status, built: true };
}
