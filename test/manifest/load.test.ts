import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EmuError, ManifestError } from '../../src/errors.ts';
import { loadManifests, parseManifestText, type StatefulSetObject } from '../../src/manifest/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('loadManifests', () => {
  it('loads the Kubernetes StatefulSet tutorial with defaults and no warnings', async () => {
    const loaded = await loadManifests([fixture('web.yaml')]);
    expect(loaded.map((m) => `${m.object.kind}/${m.object.metadata.name}`)).toEqual(['Service/nginx', 'StatefulSet/web']);
    expect(loaded.flatMap((m) => m.warnings)).toEqual([]);
    expect(loaded[1].source).toEqual({ file: fixture('web.yaml'), line: 17, col: 1 });
    expect(loaded[1].file).toBe(fixture('web.yaml'));

    const [service, set] = loaded.map((m) => m.object);
    expect(service.kind === 'Service' && service.spec).toEqual({
      clusterIP: 'None',
      selector: { app: 'nginx' },
      ports: [{ port: 80, name: 'web', protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
    });
    const spec = (set as StatefulSetObject).spec;
    expect(set.metadata.namespace).toBe('default');
    expect(spec.serviceName).toBe('nginx');
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec!.containers[0]).toEqual({
      name: 'nginx',
      image: 'registry.k8s.io/nginx-slim:0.21',
      ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
      volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
    });
    expect(spec.volumeClaimTemplates).toEqual([
      { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ]);
  });

  it('loads every emulated field without a warning', async () => {
    const loaded = await loadManifests([fixture('full.yaml')]);
    expect(loaded.map((m) => m.object.kind)).toEqual(['ConfigMap', 'Secret', 'StatefulSet', 'Service']);
    expect(loaded.flatMap((m) => m.warnings)).toEqual([]);
  });

  it('reads a directory like kubectl apply -f DIR: manifest files only, in name order, not recursively', async () => {
    const loaded = await loadManifests([fixture('dir')]);
    expect(loaded.map((m) => [m.object.kind, m.object.metadata.name, m.file])).toEqual([
      ['ConfigMap', 'cache-config', fixture('dir/10-config.yml')],
      ['Service', 'cache', fixture('dir/20-service.json')],
    ]);
  });

  it('detects duplicates across files', async () => {
    const error = await loadManifests([fixture('web.yaml'), fixture('web.yaml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toContain('duplicate Service "default/nginx"');
  });

  it('fails with NOT_FOUND for a missing path', async () => {
    const error = await loadManifests([fixture('nope.yaml')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmuError);
    expect((error as EmuError).code).toBe('NOT_FOUND');
  });
});

describe('parseManifestText', () => {
  it('skips empty documents and returns nothing for an empty text', () => {
    expect(parseManifestText('', 'empty.yaml')).toEqual([]);
    expect(parseManifestText('---\n# comment\n---\n', 'empty.yaml')).toEqual([]);
  });

  it('flattens kind: List, with locations inside the list', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata: {name: one}',
      '- apiVersion: v1',
      '  kind: Secret',
      '  metadata: {name: two}',
      '  data: {x: "!!"}',
    ].join('\n');
    expect(() => parseManifestText(text.replace('"!!"', 'eA=='), 'list.yaml')).not.toThrow();
    const loaded = parseManifestText(text.replace('"!!"', 'eA=='), 'list.yaml');
    expect(loaded.map((m) => [m.object.kind, m.source.line, m.source.col])).toEqual([
      ['ConfigMap', 4, 3],
      ['Secret', 7, 3],
    ]);
    expect(() => parseManifestText(text, 'list.yaml')).toThrow('list.yaml:10:13: data[x]: must be base64-encoded');
  });

  it('reads YAML the way kubectl does: 1.1 octals and booleans, no sexagesimals', () => {
    const [loaded] = parseManifestText(
      ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c, annotations: {time: 10:30}}'].join('\n'),
      'c.yaml',
    );
    expect(loaded.object.metadata.annotations).toEqual({ time: '10:30' });
    const set = (extra: string) =>
      [
        'apiVersion: apps/v1',
        'kind: StatefulSet',
        'metadata: {name: s}',
        'spec:',
        '  selector: {matchLabels: {app: s}}',
        '  template:',
        '    metadata: {labels: {app: s}}',
        '    spec:',
        '      containers: [{name: c, image: i, volumeMounts: [{name: v, mountPath: /v, readOnly: yes}]}]',
        `      volumes: [{name: v, configMap: {name: c, defaultMode: ${extra}}}]`,
      ].join('\n');
    const object = parseManifestText(set('0640'), 's.yaml')[0].object as StatefulSetObject;
    expect(object.spec.template.spec!.volumes![0].configMap!.defaultMode).toBe(0o640);
    expect(object.spec.template.spec!.containers[0].volumeMounts![0].readOnly).toBe(true);
    expect(() => parseManifestText(set('0644'), 's.yaml')).not.toThrow();
    expect(() => parseManifestText(set('644'), 's.yaml')).toThrow('must be a file mode between 0 and 0777');
  });

  it('treats null as unset and drops it from the object', () => {
    const [loaded] = parseManifestText(
      ['apiVersion: v1', 'kind: Service', 'metadata: {name: s}', 'spec:', '  clusterIP: None', '  type:', '  selector:'].join('\n'),
      's.yaml',
    );
    expect(loaded.object.kind === 'Service' && loaded.object.spec).toEqual({ clusterIP: 'None', type: 'ClusterIP' });
  });

  it('follows YAML aliases, reporting problems inside them where the alias is used', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: c',
      '  labels: &labels {app: c}',
      '  annotations: *labels',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: d',
      '  annotations: &notes {note: "two words"}',
      '  labels: *notes',
    ].join('\n');
    expect(() => parseManifestText(text, 'a.yaml')).toThrow('a.yaml:13:11: metadata.labels[note]: invalid value "two words"');
  });
});
