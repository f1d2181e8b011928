import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import type { ApiObject } from '../../api/store.ts';
import type { Table } from '../../api/table.ts';
import type { ResourceType } from '../../api/resources.ts';
import { kindName } from '../../client/apply.ts';
import { TABLE_ACCEPT, resourcePath, type RestApi } from '../../client/rest-api.ts';
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
 * emu get TYPE[,TYPE…] [NAME…]: the API server's own Table (kubectl's
 * columns), or the objects as JSON/YAML/names. With -w, each change is
 * printed as a row. Several types print one table each, names prefixed with
 * the type (`deployment.apps/web`), as kubectl does.
 */
export async function getCommand(typeName: string, names: string[], options: GetOptions): Promise<void> {
  const [kinds, inlineName] = typeName.split('/');
  const types = kinds.split(',').filter(Boolean).map(resourceType);
  if (types.length > 1) return getSeveral(types, inlineName ? [inlineName, ...names] : names, options);
  const type = types[0] ?? resourceType(kinds);
  const all = inlineName ? [inlineName, ...names] : names;
  const format = parseOutput(options.output);
  const api = await connect();
  const namespace = namespaceFor(type, options);
  const query = listQuery(options);
  const view = tableView(type, format, options);
  if (format === 'wide' && type.resource === 'pods') query.set('includeObject', 'Object');

  if (format === 'json' || format === 'yaml' || format === 'name') {
    const objects = all.length
      ? await Promise.all(all.map((n) => api.get(type, namespace, n)))
      : (await api.list(type, { namespace, labelSelector: options.selector, fieldSelector: options.fieldSelector })).items;
    if (objects.length === 0 && format === 'name') console.error(noResources(namespace));
    else console.log(formatObjects(type, objects, format, all.length === 1));
  } else {
    const table = await fetchTable(api, type, namespace, all, query);
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

/** Several types at once: a table per type that has objects (names prefixed with the type), or one list. */
async function getSeveral(types: ResourceType[], names: string[], options: GetOptions): Promise<void> {
  if (names.length) throw new EmuError('USAGE', 'name objects of several types as TYPE/NAME one type at a time: emu get deployment/web');
  if (options.watch) throw new EmuError('USAGE', 'you may only specify a single resource type with --watch');
  const format = parseOutput(options.output);
  const api = await connect();
  const namespace = options.allNamespaces ? undefined : (options.namespace ?? 'default');
  if (format === 'json' || format === 'yaml' || format === 'name') {
    const listed = await Promise.all(types.map(async (type) => ({ type, items: (await api.list(type, { namespace: namespaceFor(type, options), labelSelector: options.selector, fieldSelector: options.fieldSelector })).items })));
    if (format === 'name') return void console.log(listed.flatMap(({ type, items }) => (items.length ? [formatObjects(type, items, 'name', false)] : [])).join('\n'));
    return void console.log(formatObjects(types[0], listed.flatMap(({ items }) => items), format, false));
  }
  const sections: string[] = [];
  for (const type of types) {
    const query = listQuery(options);
    if (format === 'wide' && type.resource === 'pods') query.set('includeObject', 'Object');
    const table = await fetchTable(api, type, namespaceFor(type, options), [], query);
    if (table.rows.length === 0) continue;
    const rows = tableRows(table, table.columnDefinitions, tableView(type, format, options));
    const nameColumn = rows[0].indexOf('NAME');
    for (const row of rows.slice(1)) row[nameColumn] = `${kindName(type)}/${row[nameColumn]}`;
    sections.push(formatTable(rows));
  }
  if (sections.length === 0) console.error(noResources(namespace));
  else console.log(sections.join('\n\n'));
}

function namespaceFor(type: ResourceType, options: GetOptions): string | undefined {
  return options.allNamespaces || !type.namespaced ? undefined : (options.namespace ?? 'default');
}

function listQuery(options: GetOptions): URLSearchParams {
  const query = new URLSearchParams();
  if (options.selector) query.set('labelSelector', options.selector);
  if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
  return query;
}

function tableView(type: ResourceType, format: string, options: GetOptions): TableView {
  const paths = clusterPaths();
  return {
    wide: format === 'wide',
    namespaces: Boolean(options.allNamespaces) && type.namespaced,
    // emu shows where each pod's volumes live on the host.
    extra: format === 'wide' && type.resource === 'pods' ? { header: 'VOLUMES', cell: (o) => volumeDirs(o as Pod & ApiObject, paths) } : undefined,
  };
}

/** The server-side Table of a list, or of the named objects (one request each). */
async function fetchTable(api: RestApi, type: ResourceType, namespace: string | undefined, names: string[], query: URLSearchParams): Promise<Table> {
  const tables = names.length
    ? await Promise.all(names.map((n) => api.raw('GET', `${resourcePath(type, namespace, n)}?${query}`, undefined, { Accept: TABLE_ACCEPT }) as Promise<Table>))
    : [(await api.raw('GET', `${resourcePath(type, namespace)}?${query}`, undefined, { Accept: TABLE_ACCEPT })) as Table];
  return { ...tables[0], rows: tables.flatMap((t) => t.rows) };
}

function noResources(namespace: string | undefined): string {
  return namespace ? `No resources found in ${namespace} namespace.` : 'No resources found';
}

function volumeDirs(pod: (Pod & ApiObject) | undefined, paths: ReturnType<typeof clusterPaths>): string {
  const claims = (pod?.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [claimDirectory(paths, pod!.metadata.namespace!, v.persistentVolumeClaim.claimName)] : []));
  return claims.join(',') || '<none>';
}
