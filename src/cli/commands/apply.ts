import { loadManifests, formatWarning } from '../../manifest/load.ts';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { ensureDaemon } from '../../daemon/launch.ts';
import { pullImages } from '../../images/pull.ts';
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
  const client = await ensureDaemon(clusterPaths());
  const lines = await client.call<string[]>('apply', { manifests });
  for (const line of lines) console.log(line);
  if (options.wait) {
    for (const m of manifests) {
      if (m.object.kind !== 'StatefulSet') continue;
      await client.call('waitReady', { namespace: m.object.metadata.namespace, name: m.object.metadata.name, timeoutMs: Number(options.timeout ?? 300) * 1000 });
      console.log(`statefulset.apps/${m.object.metadata.name} ready`);
    }
  }
}
