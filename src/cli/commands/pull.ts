import { CATALOG } from '../../images/catalog.ts';
import { buildDockerImages } from '../../images/docker-build.ts';
import { pullImages } from '../../images/pull.ts';
import { requestedRuntime } from '../../runtime/runtime-choice.ts';
import { terminalProgress } from '../../util/progress.ts';

/**
 * emu pull [IMAGE…] [--runtime native|docker]: get images ready ahead of time
 * (all known images by default). native: install what they need on this host;
 * docker: build them locally (see images/docker-build.ts).
 */
export async function pullCommand(images: string[], options: { runtime?: string }): Promise<void> {
  const runtime = requestedRuntime(options.runtime) ?? 'native';
  const references = images.length > 0 ? images : CATALOG.map((i) => i.repositories[0]);
  if (runtime === 'docker') {
    for (const { recipe, built } of await buildDockerImages(references, terminalProgress())) {
      console.log(`${recipe.name}: ${recipe.tag} ${built ? 'built' : 'up to date'}`);
    }
    return;
  }
  const pulled = await pullImages(references, terminalProgress());
  for (const image of pulled) console.log(`${image.name}: ready`);
}
