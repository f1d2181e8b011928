import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { ApiObject } from '../../api/store.ts';
import type { Table } from '../../api/table.ts';
import { TABLE_ACCEPT, resourcePath } from '../../client/rest-api.ts';
import { claimDirectory, clusterPaths } from '../../engine/cluster-paths.ts';
import { EmuError } from '../../errors.ts';
import { connect, resourceType } from '../context.ts';
import { formatObjects, formatTable, parseOutput, tableRows, type TableView } from '../printers.ts';

interface GetOptions {
  output?: string;
  watch?: boolean;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
}

/**
 * emu get TYPE [NAME…]: the API server's own Table (kubectl's columns), or the
 * objects as JSON/YAML/names. With -w, each change is printed as a row.
 */
export async function getCommand(typeName: string, names: string[], options: GetOptions): Promise<void> {
  const [kind, inlineName] = typeName.split('/');
  const type = resourceType(kind);
  const all = inlineName ? [inlineName, ...names] : names;
  const format = parseOutput(options.output);
  const api = await connect();
  const namespace = options.allNamespaces || !type.namespaced ? undefined : (options.namespace ?? 'default');
  const query = new URLSearchParams();
  if (options.selector) query.set('labelSelector', options.selector);
  if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
  const paths = clusterPaths();
  const view: TableView = {
    wide: format === 'wide',
    namespaces: Boolean(options.allNamespaces) && type.namespaced,
    // emu shows where each pod's volumes live on the host.
    extra: format === 'wide' && type.resource === 'pods' ? { header: 'VOLUMES', cell: (o) => volumeDirs(o as Pod & ApiObject, paths) } : undefined,
  };
  if (format === 'wide' && type.resource === 'pods') query.set('includeObject', 'Object');

  if (format === 'json' || format === 'yaml' || format === 'name') {
    const objects = all.length
      ? await Promise.all(all.map((n) => api.get(type, namespace, n)))
      : (await api.list(type, { namespace, labelSelector: options.selector, fieldSelector: options.fieldSelector })).items;
    if (objects.length === 0 && format === 'name') console.error(noResources(namespace));
    else console.log(formatObjects(type, objects, format, all.length === 1));
  } else {
    const tables = all.length
      ? await Promise.all(all.map((n) => api.raw('GET', `${resourcePath(type, namespace, n)}?${query}`, undefined, { Accept: TABLE_ACCEPT }) as Promise<Table>))
      : [(await api.raw('GET', `${resourcePath(type, namespace)}?${query}`, undefined, { Accept: TABLE_ACCEPT })) as Table];
    const table: Table = { ...tables[0], rows: tables.flatMap((t) => t.rows) };
    if (table.rows.length === 0 && !options.watch) console.error(noResources(namespace));
    else if (table.rows.length > 0) console.log(formatTable(tableRows(table, table.columnDefinitions, view)));
    if (!options.watch) return;
    const columns = table.columnDefinitions;
    let printedHeader = table.rows.length > 0;
    if (all.length > 1) throw new EmuError('USAGE', 'you may only specify a single resource type with --watch');
    const watchQuery = new URLSearchParams(query);
    watchQuery.set('watch', 'true');
    watchQuery.set('resourceVersion', table.metadata.resourceVersion ?? '');
    if (all.length === 1) watchQuery.set('fieldSelector', `metadata.name=${all[0]}`);
    const res = await api.stream(`${resourcePath(type, namespace)}?${watchQuery}`, { Accept: TABLE_ACCEPT });
    let buffer = '';
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type: string; object: Table };
        if (event.type === 'ERROR' || event.type === 'BOOKMARK') continue;
        const rows = tableRows(event.object, columns, view);
        console.log(formatTable(printedHeader ? rows.slice(1) : rows));
        printedHeader = true;
      }
    });
    await new Promise((resolve) => res.on('close', resolve));
  }
}

function noResources(namespace: string | undefined): string {
  return namespace ? `No resources found in ${namespace} namespace.` : 'No resources found';
}

function volumeDirs(pod: (Pod & ApiObject) | undefined, paths: ReturnType<typeof clusterPaths>): string {
  const claims = (pod?.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [claimDirectory(paths, pod!.metadata.namespace!, v.persistentVolumeClaim.claimName)] : []));
  return claims.join(',') || '<none>';
}
