import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_DIR, findImage } from './catalog.ts';

/**
 * How an image reference runs under the Docker runtime: an image emu builds
 * locally (there is no registry) from docker/<dir>/Dockerfile on top of a Debian
 * base image. This is the one place where image references map to local tags:
 * any reference the native catalog knows (`nginx:1.25`,
 * `registry.k8s.io/nginx-slim:0.8`, `mysql:8.0`, `mariadb:10.11`,
 * `docker.elastic.co/elasticsearch/elasticsearch:8.14.1`, `busybox`…) runs the
 * local image of the same catalog name.
 */
export interface DockerImageRecipe {
  /** The native catalog name it stands in for (nginx, mysql, elasticsearch, shell), or pause. */
  name: string;
  /** The local tag emu builds and runs. */
  tag: string;
  /** Folder holding the Dockerfile and the build context; none for the base image itself. */
  dir?: string;
  /** Host folders made by a native pull step, linked into the build context under `contextPath`. */
  extras?: { contextPath: string; hostDir: () => string; pullReference: string }[];
}

export const LOCAL_REGISTRY = 'emu.local';
export const BASE_TAG = `${LOCAL_REGISTRY}/debian:bookworm`;

/** Where docker/elasticsearch/pull.sh puts the Elasticsearch jars (same rule as the script). */
export function elasticsearchCacheDir(): string {
  return process.env.EMU_ES_HOME || join(process.env.HOME || homedir(), '.cache/emu/elasticsearch-8.14.3');
}

export const BASE_RECIPE: DockerImageRecipe = { name: 'shell', tag: BASE_TAG };
export const PAUSE_RECIPE: DockerImageRecipe = { name: 'pause', tag: `${LOCAL_REGISTRY}/pause:bookworm`, dir: `${DOCKER_DIR}pause` };

export const DOCKER_RECIPES: readonly DockerImageRecipe[] = [
  BASE_RECIPE,
  PAUSE_RECIPE,
  { name: 'nginx', tag: `${LOCAL_REGISTRY}/nginx:bookworm`, dir: `${DOCKER_DIR}nginx` },
  { name: 'mysql', tag: `${LOCAL_REGISTRY}/mariadb:10.11`, dir: `${DOCKER_DIR}mysql` },
  {
    name: 'elasticsearch',
    tag: `${LOCAL_REGISTRY}/elasticsearch:8.14.3`,
    dir: `${DOCKER_DIR}elasticsearch`,
    extras: [{ contextPath: 'es-lib', hostDir: () => join(elasticsearchCacheDir(), 'lib'), pullReference: 'elasticsearch' }],
  },
];

/**
 * The tag an image reference runs as under the Docker runtime: the local image
 * emu builds for references the catalog knows, else the reference itself (an
 * image from a registry, where one is reachable).
 */
export function dockerImageTag(reference: string): string {
  try {
    return dockerRecipe(reference).tag;
  } catch {
    return reference;
  }
}

/** The recipe for an image reference (throws IMAGE_UNKNOWN, as the native catalog does). */
export function dockerRecipe(reference: string): DockerImageRecipe {
  const name = findImage(reference).name;
  return DOCKER_RECIPES.find((r) => r.name === name)!;
}

/**
 * Recipes needed to run these references: the base and pause images always,
 * then each image emu builds once (others come from their registry).
 */
export function recipesFor(references: readonly string[]): DockerImageRecipe[] {
  const built = references.filter((r) => dockerImageTag(r) !== r);
  const wanted = new Set([BASE_RECIPE.name, PAUSE_RECIPE.name, ...built.map((r) => dockerRecipe(r).name)]);
  return DOCKER_RECIPES.filter((r) => wanted.has(r.name));
}
