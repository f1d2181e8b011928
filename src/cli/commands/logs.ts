import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { delay } from '../../util/deadline.ts';

/** emu logs POD [-c C] [-f] [--previous]: container logs are plain files on the host. */
export async function logsCommand(pod: string, options: { container?: string; follow?: boolean; previous?: boolean; namespace?: string }): Promise<void> {
  const client = new DaemonClient(clusterPaths());
  const { file, uid } = await client.call<{ file: string; uid: string }>('logs', { name: pod, container: options.container, previous: options.previous, namespace: options.namespace });
  let offset = await copyFrom(file, 0);
  if (!options.follow) return;
  // Follow until this incarnation of the pod is gone.
  while (await client.call<boolean>('podExists', { name: pod, uid, namespace: options.namespace })) {
    await delay(200);
    offset = await copyFrom(file, offset);
  }
  await copyFrom(file, offset);
}

async function copyFrom(file: string, offset: number): Promise<number> {
  const size = (await stat(file).catch(() => ({ size: 0 }))).size;
  if (size <= offset) return offset;
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file, { start: offset, end: size - 1 });
    stream.on('end', resolve).on('error', reject);
    stream.pipe(process.stdout, { end: false });
  });
  return size;
}
