import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { EmuError } from '../../errors.ts';
import { describePod, describeStatefulSet } from '../describe-printer.ts';
import { resourceName } from '../printers.ts';

export async function describeCommand(type: string, name: string, options: { namespace?: string }): Promise<void> {
  const resource = resourceName(type);
  if (resource !== 'pods' && resource !== 'statefulsets') throw new EmuError('USAGE', `emu describe supports pod and statefulset, not ${type}`);
  const { object, events } = await new DaemonClient(clusterPaths()).call<any>('describe', { kind: resource, name, namespace: options.namespace });
  console.log(resource === 'pods' ? describePod(object, events) : describeStatefulSet(object, events));
}
