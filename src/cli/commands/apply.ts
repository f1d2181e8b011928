import { applyObjects } from '../../client/apply.ts';
import { byKind } from '../../api/resources.ts';
import { waitForRollout, waitForStatefulSet } from '../../client/rollout.ts';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { ensureDaemon } from '../../daemon/launch.ts';
import { formatWarning, loadManifests } from '../../manifest/load.ts';
import type { ApiObject } from '../../api/store.ts';
import { terminalProgress } from '../../util/progress.ts';
import { imagesOf } from '../images-of.ts';
import { prepareRuntime } from '../runtime-setup.ts';

const DEPLOYMENTS = byKind('Deployment')!;

/**
 * emu apply -f: everything that can fail on bad input (parsing, validation,
 * unknown images, missing packages) happens before any process is started.
 */
export async function applyCommand(files: string[], options: { wait?: boolean; timeout?: string; runtime?: string }): Promise<void> {
  const manifests = await loadManifests(files);
  for (const m of manifests) for (const w of m.warnings) console.error(`Warning: ${formatWarning(w)}`);
  const paths = clusterPaths();
  const runtime = await prepareRuntime(paths, { option: options.runtime, references: imagesOf(manifests), progress: terminalProgress() });
  const api = await ensureDaemon(paths, runtime);
  const sources = new Map(manifests.map((m) => [m.object as unknown as ApiObject, m.source]));
  const where = (object: ApiObject) => {
    const at = sources.get(object)!;
    return `${at.file}:${at.line}:${at.col}`;
  };
  const applied = await applyObjects(api, [...sources.keys()], where);
  for (const { line } of applied) console.log(line);
  if (!options.wait) return;
  const timeoutMs = Number(options.timeout ?? 300) * 1000;
  for (const m of manifests) {
    const { name, namespace } = m.object.metadata;
    if (m.object.kind === 'StatefulSet') await waitForStatefulSet(api, namespace, name, { timeoutMs, progress: terminalProgress() });
    else if (m.object.kind === 'Deployment') await waitForRollout(api, DEPLOYMENTS, namespace, name, { timeoutMs, progress: terminalProgress() });
    else continue;
    console.log(`${m.object.kind.toLowerCase()}.apps/${name} ready`);
  }
}
