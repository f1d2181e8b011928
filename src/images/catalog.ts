import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmuError } from '../errors.ts';
import { DEFAULT_PATH } from '../runtime/container-env.ts';

/** The repository's docker/ folder: per-image material (entrypoints, configs, Dockerfiles). */
export const DOCKER_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));

/**
 * Where a container sees its image's own material (docker/<image>/: entrypoint,
 * configs), read-only, like an image layer: a fixed path, wherever the checkout is.
 */
export const IMAGE_DIR = '/emu/image';

/**
 * The Elasticsearch jars (emu pull builds them, see docker/elasticsearch/pull.sh).
 * A container sees them read-only at this same path, since their class-data
 * archive records it (elsewhere the JVM silently ignores the archive).
 */
export const ELASTICSEARCH_JARS = process.env.EMU_ES_HOME ?? join(homedir(), '.cache/emu/elasticsearch-8.14.3');

/** The ZooKeeper release behind the kubernetes-zookeeper image (see docker/zookeeper/pom.xml). */
const ZOOKEEPER_VERSION = '3.9.5';

/** ZooKeeper's jars: where emu pull puts them on this host, and where a container sees them. */
const ZOOKEEPER_JARS = join(homedir(), '.cache/emu', `zookeeper-${ZOOKEEPER_VERSION}`);
const ZOOKEEPER_HOME = '/emu/zookeeper';

/** The PATH of an image with tools of its own (IMAGE_DIR/bin), as its Dockerfile's ENV would set it. */
const IMAGE_PATH = `${IMAGE_DIR}/bin:${DEFAULT_PATH}`;

/** A directory of this host shown read-only in a container, like an image layer. */
export interface ImageLayer {
  source: string;
  target: string;
}

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
  /** What the image brings besides the host's own files. */
  layers: ImageLayer[];
  /** The image's ENV: defaults the container's env overrides. */
  env: Record<string, string>;
  /** What the pull step is told besides DEBIAN_FRONTEND (host paths of caches it fills). */
  pullEnv?: Record<string, string>;
  /**
   * Directories the image's programs write to outside any volume, owned by the
   * image's user in the real image (ZooKeeper's conf dir): each container gets a
   * fresh, initially empty directory there that any user may write, also shown at
   * each of `aliases` (the image's symlinks to it).
   */
  privateDirs?: { path: string; aliases?: string[] }[];
  /**
   * Run every container of this image under an init that reaps orphans (as
   * `docker run --init`): for images whose emulated tools leave children behind
   * that the container's own PID 1 would otherwise reap and miscount.
   */
  init?: boolean;
}

const imageLayer = (name: string): ImageLayer => ({ source: `${DOCKER_DIR}${name}`, target: IMAGE_DIR });

const SHELL_REPOSITORIES = ['busybox', 'alpine', 'debian', 'ubuntu'];

export const CATALOG: readonly NativeImage[] = [
  // Shell images: the container's command runs with the host's own tools.
  { name: 'shell', repositories: SHELL_REPOSITORIES, entrypoint: [], cmd: ['sh'], aptPackages: [], layers: [], env: {} },
  {
    name: 'nginx',
    repositories: ['nginx', 'nginx-slim', 'nginxinc/nginx-unprivileged'],
    entrypoint: [],
    cmd: ['nginx', '-c', `${IMAGE_DIR}/nginx.conf`],
    aptPackages: ['nginx'],
    layers: [imageLayer('nginx')],
    env: {},
  },
  {
    name: 'mysql',
    repositories: ['mysql', 'mariadb'],
    entrypoint: [`${IMAGE_DIR}/entrypoint.sh`],
    cmd: ['mysqld'],
    // mariadb-client: mysqladmin (liveness probes run `mysqladmin ping`), mysqldump.
    aptPackages: ['mariadb-server-core', 'mariadb-client-core', 'mariadb-client'],
    layers: [imageLayer('mysql')],
    env: {},
  },
  {
    // The Kubernetes tutorial's sidecar image: bash, the mysql client, ncat, and
    // xtrabackup/xbstream as thin wrappers over MariaDB's mariabackup/mbstream.
    name: 'xtrabackup',
    repositories: ['google-samples/xtrabackup'],
    entrypoint: [],
    cmd: ['bash'],
    aptPackages: ['mariadb-backup', 'mariadb-client-core', 'ncat'],
    layers: [imageLayer('xtrabackup')],
    env: { PATH: IMAGE_PATH },
    // The tutorial's sidecar execs ncat as PID 1; mariabackup leaves children whose
    // reaping ncat would count as ended connections (and die on its own assertion).
    init: true,
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
    pullEnv: { EMU_ZK_HOME: ZOOKEEPER_JARS, EMU_ZK_VERSION: ZOOKEEPER_VERSION },
    layers: [imageLayer('zookeeper'), { source: ZOOKEEPER_JARS, target: ZOOKEEPER_HOME }],
    env: { PATH: IMAGE_PATH, EMU_ZK_HOME: ZOOKEEPER_HOME, EMU_ZK_VERSION: ZOOKEEPER_VERSION },
    // The original image's conf dir, also reachable as /usr/etc/zookeeper (a symlink there).
    privateDirs: [{ path: '/opt/zookeeper/conf', aliases: ['/usr/etc/zookeeper'] }],
  },
  {
    name: 'elasticsearch',
    repositories: ['elasticsearch', 'elasticsearch/elasticsearch'],
    entrypoint: [`${IMAGE_DIR}/entrypoint.sh`],
    cmd: [],
    aptPackages: ['maven', 'openjdk-17-jre-headless'],
    pullScript: `${DOCKER_DIR}elasticsearch/pull.sh`,
    layers: [imageLayer('elasticsearch'), { source: ELASTICSEARCH_JARS, target: ELASTICSEARCH_JARS }],
    env: { EMU_ES_HOME: ELASTICSEARCH_JARS },
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
