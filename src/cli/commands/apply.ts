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
    const progress = terminalProgress();
    for (const m of manifests) {
      if (m.object.kind !== 'StatefulSet') continue;
      const { name, namespace } = m.object.metadata;
      // On a terminal, show READY as it climbs while the daemon waits.
      const ticker = setInterval(async () => {
        const [sts] = await client.call<any[]>('get', { kind: 'statefulsets', namespace, name }).catch(() => []);
        if (sts) progress.update(`waiting for statefulset ${name}: ${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas} ready`);
      }, 250);
      try {
        await client.call('waitReady', { namespace, name, timeoutMs: Number(options.timeout ?? 300) * 1000 });
      } finally {
        clearInterval(ticker);
        progress.done();
      }
      console.log(`statefulset.apps/${name} ready`);
    }
  }
}
