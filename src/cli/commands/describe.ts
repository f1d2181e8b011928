import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Endpoints, Event, Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../../api/resources.ts';
import type { ApiObject } from '../../api/store.ts';
import { claimDirectory, clusterPaths } from '../../engine/cluster-paths.ts';
import { EmuError } from '../../errors.ts';
import { connect, typedNames } from '../context.ts';
import { isControlledBy } from '../../controller/controller-ref.ts';
import { describeDeployment, describePod, describeService, describeStatefulSet } from '../describe-printer.ts';
import { formatObjects } from '../printers.ts';

/** emu describe pod|statefulset|deployment|service NAME: the object in kubectl's describe layout, with its events. */
export async function describeCommand(first: string, rest: string[], options: { namespace?: string }): Promise<void> {
  const { type, names } = typedNames(first, rest);
  if (names.length === 0) throw new EmuError('USAGE', `you must specify the name of the ${type.singular} to describe`);
  const api = await connect();
  const namespace = type.namespaced ? (options.namespace ?? 'default') : undefined;
  const out: string[] = [];
  for (const name of names) {
    const object = await api.get(type, namespace, name);
    const events = (await api.list<Event & ApiObject>(byKind('Event')!, { namespace, fieldSelector: `involvedObject.uid=${object.metadata.uid}` })).items;
    switch (type.kind) {
      case 'Pod': {
        const pod = object as Pod & ApiObject;
        const dirs = (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [`${v.name}: ${claimDirectory(clusterPaths(), namespace!, v.persistentVolumeClaim.claimName)}`] : []));
        out.push(describePod(pod, events, dirs));
        break;
      }
      case 'StatefulSet':
        out.push(describeStatefulSet(object as StatefulSet & ApiObject, events));
        break;
      case 'Deployment': {
        const sets = (await api.list<ReplicaSet & ApiObject>(byKind('ReplicaSet')!, { namespace })).items.filter((rs) => isControlledBy(rs, object));
        out.push(describeDeployment(object as Deployment & ApiObject, sets, events));
        break;
      }
      case 'Service':
        out.push(describeService(object as Service & ApiObject, await api.find<Endpoints & ApiObject>(byKind('Endpoints')!, namespace, name), events));
        break;
      default:
        out.push(formatObjects(type, [object], 'yaml', true));
    }
  }
  console.log(out.join('\n\n\n'));
}
