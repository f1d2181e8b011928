import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { EmuError } from '../../errors.ts';
import { resourceName } from '../printers.ts';

export async function scaleCommand(type: string, name: string | undefined, options: { replicas: string; namespace?: string }): Promise<void> {
  const [kind, inlineName] = type.split('/');
  const setName = inlineName ?? name;
  if (resourceName(kind) !== 'statefulsets' || !setName) throw new EmuError('USAGE', 'usage: emu scale statefulset NAME --replicas=N');
  const replicas = Number(options.replicas);
  if (!/^\d+$/.test(options.replicas ?? '')) throw new EmuError('USAGE', `--replicas must be a non-negative integer, got "${options.replicas}"`);
  await new DaemonClient(clusterPaths()).call('scale', { name: setName, replicas, namespace: options.namespace });
  console.log(`statefulset.apps/${setName} scaled`);
}
