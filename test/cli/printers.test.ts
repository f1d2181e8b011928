import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { byKind } from '../../src/api/resources.ts';
import type { ApiObject } from '../../src/api/store.ts';
import { toTable } from '../../src/api/table.ts';
import { formatObjects, formatTable, parseOutput, tableRows } from '../../src/cli/printers.ts';
import { EmuError } from '../../src/errors.ts';

const NOW = new Date('2024-06-01T12:00:00Z');
const pod = (name: string, namespace = 'default'): ApiObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, creationTimestamp: '2024-06-01T11:59:15Z' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], nodeName: 'emu' },
  status: { phase: 'Running', podIP: '10.244.0.7', containerStatuses: [{ name: 'c', ready: true, restartCount: 2, image: 'nginx', imageID: '', state: { running: {} } }] },
});

describe('printers', () => {
  it('accepts kubectl output formats and refuses others with kubectl’s message', () => {
    expect(parseOutput(undefined)).toBe('table');
    expect(parseOutput('wide')).toBe('wide');
    expect(() => parseOutput('xml')).toThrow(EmuError);
    expect(() => parseOutput('xml')).toThrow('unable to match a printer suitable for the output format "xml", allowed formats are: json,name,wide,yaml');
  });

  it('pads columns like kubectl’s tabwriter (three spaces, last column unpadded)', () => {
    expect(formatTable([['NAME', 'READY'], ['web-0', '1/1']])).toBe('NAME    READY\nweb-0   1/1');
  });

  it('prints a server-side Table: priority-1 columns only with -o wide, a NAMESPACE column with -A, extra columns last', () => {
    const table = toTable('pods', [pod('web-0')], { now: NOW, includeObject: 'Object' });
    const narrow = tableRows(table, table.columnDefinitions, { wide: false, namespaces: false });
    expect(narrow[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(narrow[1]).toEqual(['web-0', '1/1', 'Running', '2', '45s']);
    const wide = tableRows(table, table.columnDefinitions, { wide: true, namespaces: true, extra: { header: 'VOLUMES', cell: (o) => `dir-of-${o?.metadata.name}` } });
    expect(wide[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES', 'VOLUMES']);
    expect(wide[1]).toEqual(['default', 'web-0', '1/1', 'Running', '2', '45s', '10.244.0.7', 'emu', '<none>', '<none>', 'dir-of-web-0']);
  });

  it('prints names as kind.group/name, and one object or a List as JSON or YAML', () => {
    const sts = byKind('StatefulSet')!;
    const objects = [pod('a'), pod('b')];
    expect(formatObjects(sts, objects, 'name', false)).toBe('statefulset.apps/a\nstatefulset.apps/b');
    expect(JSON.parse(formatObjects(byKind('Pod')!, objects, 'json', false))).toMatchObject({ kind: 'List', items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });
    expect(parse(formatObjects(byKind('Pod')!, [objects[0]], 'yaml', true))).toMatchObject({ kind: 'Pod', metadata: { name: 'a' } });
  });
});
