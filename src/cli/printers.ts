import { stringify } from 'yaml';
import { since } from '../api/human-duration.ts';
import { kindName } from '../client/apply.ts';
import type { ResourceType } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import type { Table } from '../api/table.ts';
import { EmuError } from '../errors.ts';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';

export function parseOutput(value: string | undefined): OutputFormat {
  if (!value) return 'table';
  if (['wide', 'json', 'yaml', 'name'].includes(value)) return value as OutputFormat;
  throw new EmuError('USAGE', `unable to match a printer suitable for the output format "${value}", allowed formats are: json,name,wide,yaml`);
}

/** kubectl's AGE of a timestamp (apimachinery's HumanDuration). */
export function age(iso: string | undefined, now = Date.now()): string {
  return since(iso, new Date(now));
}

/** Columns padded like kubectl's tabwriter: three spaces between columns (two in some of kubectl's own tables). */
export function formatTable(rows: string[][], gap = 3): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + gap))).join('').trimEnd()).join('\n');
}

export interface TableView {
  wide: boolean;
  /** -A: a NAMESPACE column first. */
  namespaces: boolean;
  /** Extra columns emu shows after kubectl's (e.g. VOLUMES for pods with -o wide). */
  extra?: { header: string; cell: (object: ApiObject | undefined) => string };
}

/** The rows of a server-side Table as kubectl prints them (header first). */
export function tableRows(table: Table, columns: Table['columnDefinitions'], view: TableView): string[][] {
  const shown = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.priority === 0 || view.wide);
  const header = [...(view.namespaces ? ['NAMESPACE'] : []), ...shown.map(({ c }) => c.name.toUpperCase()), ...(view.extra ? [view.extra.header] : [])];
  const rows = table.rows.map((row) => {
    const object = row.object as ApiObject | undefined;
    return [
      ...(view.namespaces ? [object?.metadata?.namespace ?? ''] : []),
      ...shown.map(({ i }) => cellText(row.cells[i])),
      ...(view.extra ? [view.extra.cell(object)] : []),
    ];
  });
  return [header, ...rows];
}

function cellText(cell: unknown): string {
  if (cell === undefined || cell === null || cell === '') return '<none>';
  return String(cell);
}

/** -o name|json|yaml for one object or a list. */
export function formatObjects(type: ResourceType, objects: ApiObject[], format: 'json' | 'yaml' | 'name', single: boolean): string {
  if (format === 'name') return objects.map((o) => `${kindName(type)}/${o.metadata.name}`).join('\n');
  const doc = single ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } };
  return format === 'json' ? JSON.stringify(doc, null, 4) : stringify(doc).trimEnd();
}
