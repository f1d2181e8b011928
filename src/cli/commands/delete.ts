import { ApiError } from '../../api/status.ts';
import { kindName } from '../../client/apply.ts';
import { EmuError } from '../../errors.ts';
import { pollUntil } from '../../util/deadline.ts';
import { connect, typedNames } from '../context.ts';

interface DeleteOptions {
  namespace?: string;
  wait?: boolean;
  gracePeriod?: string;
  force?: boolean;
  selector?: string;
  all?: boolean;
}

/**
 * emu delete TYPE NAME… | TYPE/NAME | TYPE -l SELECTOR: graceful, like kubectl,
 * which waits until each object is gone (--wait=false does not). Pods of a
 * StatefulSet come back with the same identity; a deleted StatefulSet takes
 * its pods with it (claims per whenDeleted).
 */
export async function deleteCommand(first: string, rest: string[], options: DeleteOptions): Promise<void> {
  const { type, names } = typedNames(first, rest);
  // kubectl: -1 (its default) means the object's own grace period; --force with 0 removes at once.
  const grace = options.gracePeriod === undefined || options.gracePeriod === '-1' ? undefined : Number(options.gracePeriod);
  if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0)) throw new EmuError('USAGE', `--grace-period must be a whole number of seconds (or -1), got "${options.gracePeriod}"`);
  if (grace === 0 && !options.force) throw new EmuError('USAGE', '--grace-period=0 must have --force specified');
  const api = await connect();
  const namespace = type.namespaced ? (options.namespace ?? 'default') : undefined;
  let targets = names;
  if (options.selector || options.all) {
    if (names.length) throw new EmuError('USAGE', 'name cannot be provided when a selector is specified');
    targets = (await api.list(type, { namespace, labelSelector: options.selector })).items.map((o) => o.metadata.name);
    if (targets.length === 0) return void console.log(namespace ? `No resources found in ${namespace} namespace.` : 'No resources found');
  }
  if (targets.length === 0) throw new EmuError('USAGE', `resource(s) were provided, but no name was specified: emu delete ${first} NAME`);
  if (options.force && grace === 0) console.error('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.');
  const deleted: { name: string; uid?: string }[] = [];
  for (const name of targets) {
    const object = await api.delete(type, namespace, name, { gracePeriodSeconds: options.force && grace === undefined ? 0 : grace });
    deleted.push({ name, uid: object.metadata?.uid });
    console.log(`${kindName(type)} "${name}" ${options.force && grace === 0 ? 'force deleted' : 'deleted'}`);
  }
  if (options.wait === false) return;
  for (const { name, uid } of deleted) {
    await pollUntil(`${kindName(type)} "${name}" to be deleted`, async () => {
      try {
        const current = await api.get(type, namespace, name);
        return current.metadata.uid !== uid ? true : undefined;
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return true;
        throw error;
      }
    }, { timeoutMs: 24 * 3600_000, intervalMs: 50 });
  }
}
