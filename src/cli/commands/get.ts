import { clusterPaths } from '../../engine/cluster-paths.ts';
import { DaemonClient } from '../../daemon/client.ts';
import { formatItems, parseOutput, resourceName, tableRows, formatTable } from '../printers.ts';

export async function getCommand(type: string, name: string | undefined, options: { output?: string; watch?: boolean; namespace?: string }): Promise<void> {
  const resource = resourceName(type);
  const format = parseOutput(options.output);
  const client = new DaemonClient(clusterPaths());
  const fetch = () => client.call<any[]>('get', { kind: resource, namespace: options.namespace, name });
  const items = await fetch();
  if (items.length === 0 && !name && format !== 'json' && format !== 'yaml') {
    console.error(`No resources found in ${options.namespace ?? 'default'} namespace.`);
  } else console.log(formatItems(resource, items, format, Boolean(name)));
  if (!options.watch) return;

  // -w: like kubectl, print a row again whenever it changes (no header).
  const wide = format === 'wide';
  const ageColumn = tableRows(resource, [], wide)[0].indexOf('AGE');
  const key = (row: string[]) => row.filter((_, i) => i !== ageColumn).join('\t'); // a row that only aged has not changed
  let seen = new Map(tableRows(resource, items, wide).slice(1).map((r) => [r[0], key(r)]));
  const { socket } = await client.open('watch');
  const header = tableRows(resource, [], wide)[0];
  let busy = false;
  let again = false;
  const refresh = async () => {
    if (busy) return void (again = true);
    busy = true;
    do {
      again = false;
      const rows = tableRows(resource, await fetch(), wide).slice(1);
      const changed = rows.filter((r) => seen.get(r[0]) !== key(r));
      if (changed.length > 0) console.log(formatTable([header, ...changed]).split('\n').slice(1).join('\n'));
      seen = new Map(rows.map((r) => [r[0], key(r)]));
    } while (again);
    busy = false;
  };
  socket.on('data', () => void refresh());
  await new Promise((resolve) => socket.on('close', resolve));
}
