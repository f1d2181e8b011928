import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { EmuError } from '../../errors.ts';
import { resourceName } from '../printers.ts';

/**
 * emu delete pod NAME…: graceful, like kubectl (waits until each pod is gone
 * unless --wait=false); the StatefulSet recreates them. emu delete statefulset
 * NAME: the set and its pods (claims per whenDeleted).
 */
export async function deleteCommand(type: string, names: string[], options: { namespace?: string; wait?: boolean; gracePeriod?: string }): Promise<void> {
  const [kind, inlineName] = type.split('/');
  const resource = resourceName(kind);
  if (resource !== 'pods' && resource !== 'statefulsets') throw new EmuError('USAGE', `emu delete supports pods and statefulsets, not ${kind}`);
  const all = inlineName ? [inlineName, ...names] : names;
  if (all.length === 0) throw new EmuError('USAGE', `resource name may not be empty: emu delete ${kind} NAME`);
  if (resource === 'statefulsets') {
    const client = new DaemonClient(clusterPaths());
    for (const name of all) {
      await client.call('deleteStatefulSet', { name, namespace: options.namespace });
      console.log(`statefulset.apps "${name}" deleted`);
    }
    return;
  }
  // kubectl: -1 (its default) means the pod's own terminationGracePeriodSeconds.
  const grace = options.gracePeriod === undefined || options.gracePeriod === '-1' ? undefined : Number(options.gracePeriod);
  if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0)) throw new EmuError('USAGE', `--grace-period must be a whole number of seconds (or -1), got "${options.gracePeriod}"`);
  const client = new DaemonClient(clusterPaths());
  for (const name of all) {
    await client.call('deletePod', { name, namespace: options.namespace, wait: options.wait !== false, gracePeriodSeconds: grace });
    console.log(`pod "${name}" deleted`);
  }
}
