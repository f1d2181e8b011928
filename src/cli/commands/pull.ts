import { CATALOG } from '../../images/catalog.ts';
import { pullImages } from '../../images/pull.ts';
import { terminalProgress } from '../../util/progress.ts';

/** emu pull [IMAGE…]: install what images need ahead of time (all known images by default). */
export async function pullCommand(images: string[]): Promise<void> {
  const references = images.length > 0 ? images : CATALOG.map((i) => i.repositories[0]);
  const pulled = await pullImages(references, terminalProgress());
  for (const image of pulled) console.log(`${image.name}: ready`);
}
