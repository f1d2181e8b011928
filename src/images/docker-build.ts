import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { pack } from 'tar-fs';
import type { ContainerRuntimeClient } from 'testcontainers';
import { EmuError } from '../errors.ts';
import { connectDocker, emuDockerHome } from '../runtime/docker/docker-client.ts';
import { APT_PACKAGES_LABEL, LABELS } from '../runtime/docker/docker-names.ts';
import type { Progress } from '../util/progress.ts';
import { DOCKER_DIR } from './catalog.ts';
import { debClosure } from './deb-closure.ts';
import { ensureBaseImage } from './docker-base.ts';
import { followBuildOutput } from './docker-build-output.ts';
import { BASE_TAG, dockerImageTag, dockerRecipe, recipesFor, type DockerImageRecipe } from './docker-recipes.ts';
import { pullImages } from './pull.ts';

export interface BuiltImage {
  recipe: DockerImageRecipe;
  /** False when an image with the same build inputs was there already. */
  built: boolean;
}

/**
 * `emu pull --runtime docker`: build, locally and idempotently, the images
 * these references run as (plus the base and pause images): the Debian base
 * (docker-base.ts), then each docker/<image>/Dockerfile. Builds have no network:
 * the Debian packages a Dockerfile names (LABEL dev.emu.apt-packages) are
 * resolved and downloaded on the host into its build context, and so are the
 * outputs of native pull steps (Elasticsearch's jars). An image whose inputs
 * (context files, packages, base image) are unchanged is not built again.
 *
 * The build goes through the Docker client testcontainers exposes rather than
 * GenericContainer.fromDockerfile, which drops the build output: a failed build
 * must name the failing step.
 */
export async function buildDockerImages(references: readonly string[], progress: Progress): Promise<BuiltImage[]> {
  const recipes = recipesFor(references);
  const extras = recipes.flatMap((r) => r.extras ?? []);
  // Native pull steps whose output goes into a build context (Elasticsearch's jars, via Maven).
  if (extras.length > 0) await pullImages(extras.map((e) => e.pullReference), progress);
  const client = await connectDocker();
  const buildDir = join(emuDockerHome(), 'build');
  const base = await ensureBaseImage(client, buildDir, progress);
  const status = base.status;
  const baseId = (await client.container.dockerode.getImage(BASE_TAG).inspect()).Id;
  const results: BuiltImage[] = [];
  for (const recipe of recipes) {
    results.push({ recipe, built: recipe.dir ? await buildImage(client, recipe, { status, baseId, buildDir, progress }) : base.built });
  }
  progress.done();
  return results;
}

/**
 * Before pods start on Docker (emu apply, up, run): connect to the daemon (one
 * clear error if there is none) and build the images these references need
 * that are not there yet, or whose recipe (docker/<image>/) changed since they
 * were built. Otherwise images are used as they are; `emu pull --runtime
 * docker` also rebuilds those whose packages changed.
 */
export async function ensureDockerImages(references: readonly string[], progress: Progress): Promise<void> {
  const client = await connectDocker();
  const missing: string[] = [];
  for (const recipe of recipesFor(references)) {
    const image = await client.container.dockerode.getImage(recipe.tag).inspect().catch(() => undefined);
    const stale = image && recipe.dir && image.Config.Labels?.[LABELS.recipe] !== (await recipeHash(recipe));
    if (!image || stale) missing.push(recipe.name);
  }
  if (missing.length === 0) return;
  progress.update(`building Docker images: ${missing.join(', ')}`);
  await buildDockerImages(references.filter((r) => dockerImageTag(r) !== r && missing.includes(dockerRecipe(r).name)), progress);
}

interface BuildOptions {
  status: string;
  baseId: string;
  buildDir: string;
  progress: Progress;
}

async function buildImage(client: ContainerRuntimeClient, recipe: DockerImageRecipe, options: BuildOptions): Promise<boolean> {
  const dir = recipe.dir!;
  const dockerfile = relative(join(DOCKER_DIR, '..'), join(dir, 'Dockerfile'));
  options.progress.update(`preparing ${recipe.tag}`);
  const packages = aptPackagesOf(await readFile(join(dir, 'Dockerfile'), 'utf8'));
  const debs = await debClosure(packages, options.status, join(options.buildDir, 'debs'));
  const context = await linkContext(recipe, debs, join(options.buildDir, 'context', recipe.name));
  const inputs = await hashTree(context, options.baseId);
  const recipeLabel = await recipeHash(recipe);
  const existing = await client.container.dockerode.getImage(recipe.tag).inspect().catch(() => undefined);
  if (existing?.Config.Labels?.[LABELS.inputs] === inputs && existing.Config.Labels[LABELS.recipe] === recipeLabel) return false;
  const stream = await client.container.dockerode.buildImage(pack(context, { dereference: true }) as unknown as NodeJS.ReadableStream, {
    t: recipe.tag,
    labels: { [LABELS.inputs]: inputs, [LABELS.recipe]: recipeLabel },
    // No network in builds: everything they need is in the context.
    networkmode: 'none',
    rm: true,
    forcerm: true,
  });
  await followBuildOutput(client, stream, { what: `building ${recipe.tag} from ${dockerfile}`, progress: options.progress });
  return true;
}

/** The value of `LABEL dev.emu.apt-packages="a b c"` in a Dockerfile. */
export function aptPackagesOf(dockerfile: string): string[] {
  const match = new RegExp(`^LABEL\\s+${APT_PACKAGES_LABEL.replace(/\./g, '\\.')}="([^"]*)"`, 'm').exec(dockerfile);
  return match ? match[1].split(/\s+/).filter(Boolean) : [];
}

/**
 * The build context, made of links (packed dereferenced, so nothing is copied):
 * the recipe's folder, emu-debs/ with the packages, and the extras.
 */
async function linkContext(recipe: DockerImageRecipe, debs: string[], context: string): Promise<string> {
  await rm(context, { recursive: true, force: true });
  await mkdir(join(context, 'emu-debs'), { recursive: true });
  for (const entry of await readdir(recipe.dir!)) await symlink(join(recipe.dir!, entry), join(context, entry));
  for (const deb of debs) await symlink(deb, join(context, 'emu-debs', basename(deb)));
  for (const extra of recipe.extras ?? []) {
    const source = extra.hostDir();
    if (!(await stat(source).catch(() => undefined))) throw new EmuError('IMAGE_PULL_FAILED', `building ${recipe.tag} needs ${source}, which its pull step did not make`);
    await symlink(source, join(context, extra.contextPath));
  }
  return context;
}

/** The hash of a recipe's own folder (its Dockerfile and scripts), the tag as salt. */
export function recipeHash(recipe: DockerImageRecipe): Promise<string> {
  return hashTree(recipe.dir!, recipe.tag);
}

/** A hash of every file under `dir` (links followed): names, modes and contents, plus `salt`. */
async function hashTree(dir: string, salt: string): Promise<string> {
  const hash = createHash('sha256').update(salt);
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path);
    hash.update(`\0${relative(dir, path)}\0${info.mode}\0`);
    if (info.isDirectory()) {
      for (const entry of (await readdir(path)).sort()) await walk(join(path, entry));
    } else {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    }
  };
  await walk(dir);
  return hash.digest('hex').slice(0, 32);
}
