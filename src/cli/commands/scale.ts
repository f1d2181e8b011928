import { kindName } from '../../client/apply.ts';
import { EmuError } from '../../errors.ts';
import { connect, typedNames } from '../context.ts';

/** emu scale statefulset NAME --replicas=N: the scale subresource, as kubectl does it. */
export async function scaleCommand(first: string, rest: string[], options: { replicas: string; namespace?: string }): Promise<void> {
  const { type, names } = typedNames(first, rest);
  if (!['StatefulSet', 'Deployment', 'ReplicaSet'].includes(type.kind)) throw new EmuError('USAGE', `cannot scale ${type.resource}: emu scales statefulsets, deployments and replicasets`);
  if (names.length === 0) throw new EmuError('USAGE', 'usage: emu scale statefulset NAME --replicas=N');
  if (!/^\d+$/.test(options.replicas ?? '')) throw new EmuError('USAGE', `--replicas must be a non-negative integer, got "${options.replicas}"`);
  const api = await connect();
  for (const name of names) {
    await api.patch(type, options.namespace ?? 'default', name, { spec: { replicas: Number(options.replicas) } }, 'merge', { subresource: 'scale' });
    console.log(`${kindName(type)}/${name} scaled`);
  }
}
