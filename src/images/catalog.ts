import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmuError } from '../errors.ts';

/** The repository's docker/ folder: per-image material (entrypoints, configs, Dockerfiles). */
export const DOCKER_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));

/** Where pull steps keep what Debian does not package (jar sets from Maven Central). */
const CACHE_DIR = join(homedir(), '.cache', 'emu');

/** The ZooKeeper release behind the kubernetes-zookeeper image (see docker/zookeeper/pom.xml). */
const ZOOKEEPER_VERSION = '3.9.5';

/**
 * How an image reference runs natively on this host. Like an image's ENTRYPOINT
 * and CMD: a container's `command` replaces `entrypoint`, its `args` replace `cmd`.
 */
export interface NativeImage {
  /** Short name shown in messages: nginx, mysql, elasticsearch… */
  name: string;
  /** Repository names (registry and tag stripped) this recipe serves. */
  repositories: string[];
  entrypoint: string[];
  cmd: string[];
  /** Debian packages whose binaries the image uses. */
  aptPackages: string[];
  /** Extra pull work beyond apt (e.g. resolving Elasticsearch jars from Maven Central). */
  pullScript?: string;
  /** The image's own tools (wrappers, launch scripts): directories put first on the container's PATH. */
  binDirs?: string[];
  /** The image's environment (a Dockerfile's ENV), also given to the pull step; the container's env wins. */
  env?: Record<string, string>;
  /**
   * Directories the image's programs write to outside any volume (ZooKeeper's conf
   * dir). Containers share the host's filesystem, so each container gets a private,
   * initially empty, writable directory at `path`, also shown at each of `aliases`
   * (the image's symlinks to it); the host's own directories are never written.
   */
  privateDirs?: { path: string; aliases?: string[] }[];
}

const SHELL_REPOSITORIES = ['busybox', 'alpine', 'debian', 'ubuntu'];

export const CATALOG: readonly NativeImage[] = [
  // Shell images: the container's command runs with the host's own tools.
  { name: 'shell', repositories: SHELL_REPOSITORIES, entrypoint: [], cmd: ['sh'], aptPackages: [] },
  {
    name: 'nginx',
    repositories: ['nginx', 'nginx-slim', 'nginxinc/nginx-unprivileged'],
    entrypoint: [],
    cmd: ['nginx', '-c', `${DOCKER_DIR}nginx/nginx.conf`],
    aptPackages: ['nginx'],
  },
  {
    name: 'mysql',
    repositories: ['mysql', 'mariadb'],
    entrypoint: [`${DOCKER_DIR}mysql/entrypoint.sh`],
    cmd: ['mysqld'],
    // mariadb-client: mysqladmin (liveness probes run `mysqladmin ping`), mysqldump.
    aptPackages: ['mariadb-server-core', 'mariadb-client-core', 'mariadb-client'],
  },
  {
    // The Kubernetes tutorial's sidecar image: bash, the mysql client, ncat, and
    // xtrabackup/xbstream as thin wrappers over MariaDB's mariabackup/mbstream.
    name: 'xtrabackup',
    repositories: ['google-samples/xtrabackup'],
    entrypoint: [],
    cmd: ['bash'],
    aptPackages: ['mariadb-backup', 'mariadb-client-core', 'ncat'],
    binDirs: [`${DOCKER_DIR}xtrabackup/bin`],
  },
  {
    // The Kubernetes ZooKeeper tutorial's image: start-zookeeper, zookeeper-ready,
    // zkCli.sh and zkServer.sh over ZooKeeper's jars from Maven Central.
    name: 'zookeeper',
    repositories: ['kubernetes-zookeeper'],
    entrypoint: [],
    cmd: ['start-zookeeper'],
    aptPackages: ['maven', 'openjdk-17-jre-headless'],
    pullScript: `${DOCKER_DIR}zookeeper/pull.sh`,
    binDirs: [`${DOCKER_DIR}zookeeper/bin`],
    env: { EMU_ZK_HOME: join(CACHE_DIR, `zookeeper-${ZOOKEEPER_VERSION}`), EMU_ZK_VERSION: ZOOKEEPER_VERSION },
    // The original image's conf dir, also reachable as /usr/etc/zookeeper (a symlink there).
    privateDirs: [{ path: '/opt/zookeeper/conf', aliases: ['/usr/etc/zookeeper'] }],
  },
  {
    name: 'elasticsearch',
    repositories: ['elasticsearch', 'elasticsearch/elasticsearch'],
    entrypoint: [`${DOCKER_DIR}elasticsearch/entrypoint.sh`],
    cmd: [],
    aptPackages: ['maven', 'openjdk-17-jre-headless'],
    pullScript: `${DOCKER_DIR}elasticsearch/pull.sh`,
  },
];

/**
 * The repository part of an image reference: registry host, tag and digest
 * removed (`registry.k8s.io/nginx-slim:0.8` → `nginx-slim`,
 * `docker.elastic.co/elasticsearch/elasticsearch:8.14.1` → `elasticsearch/elasticsearch`).
 */
export function imageRepository(reference: string): string {
  let ref = reference.split('@')[0];
  const slash = ref.indexOf('/');
  if (slash > 0 && /[.:]|^localhost$/.test(ref.slice(0, slash))) ref = ref.slice(slash + 1);
  ref = ref.replace(/:[^/]*$/, '');
  return ref.replace(/^library\//, '').replace(/^google[-_]containers\//, '');
}

export function imageTag(reference: string): string {
  const match = /:([^/:@]+)$/.exec(reference.split('@')[0]);
  return match ? match[1] : 'latest';
}

export function findImage(reference: string): NativeImage {
  const repository = imageRepository(reference);
  const image = CATALOG.find((i) => i.repositories.includes(repository));
  if (!image) {
    const known = CATALOG.flatMap((i) => i.repositories).join(', ');
    throw new EmuError('IMAGE_UNKNOWN', `image "${reference}" has no native recipe; known images: ${known} (see docker/ and src/images/catalog.ts to add one)`);
  }
  return image;
}

/** What a container runs: command replaces the entrypoint, args replace the default cmd. */
export function containerArgv(image: NativeImage, command: string[] | undefined, args: string[] | undefined): string[] {
  if (command && command.length > 0) return [...command, ...(args ?? [])];
  // An empty args list is the same as none in Kubernetes (the field is omitempty).
  return [...image.entrypoint, ...(args && args.length > 0 ? args : image.cmd)];
}
