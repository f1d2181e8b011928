import { applyObjects } from '../../client/apply.ts';
import { waitForStatefulSet } from '../../client/rollout.ts';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { ensureDaemon } from '../../daemon/launch.ts';
import { pullImages } from '../../images/pull.ts';
import { formatWarning, loadManifests } from '../../manifest/load.ts';
import type { ApiObject } from '../../api/store.ts';
import { terminalProgress } from '../../util/progress.ts';
import { imagesOf } from '../images-of.ts';

/**
 * emu apply -f: everything that can fail on bad input (parsing, validation,
 * unknown images, missing packages) happens before any process is started.
 */
export async function applyCommand(files: string[], options: { wait?: boolean; timeout?: string }): Promise<void> {
  const manifests = await loadManifests(files);
  for (const m of manifests) for (const w of m.warnings) console.error(`Warning: ${formatWarning(w)}`);
  await pullImages(imagesOf(manifests), terminalProgress());
  const api = await ensureDaemon(clusterPaths());
  const sources = new Map(manifests.map((m) => [m.object as unknown as ApiObject, m.source]));
  const where = (object: ApiObject) => {
    const at = sources.get(object)!;
    return `${at.file}:${at.line}:${at.col}`;
  };
  const applied = await applyObjects(api, [...sources.keys()], where);
  for (const { line } of applied) console.log(line);
  if (!options.wait) return;
  for (const m of manifests) {
    if (m.object.kind !== 'StatefulSet') continue;
    const { name, namespace } = m.object.metadata;
    await waitForStatefulSet(api, namespace, name, { timeoutMs: Number(options.timeout ?? 300) * 1000, progress: terminalProgress() });
    console.log(`statefulset.apps/${name} ready`);
  }
}
