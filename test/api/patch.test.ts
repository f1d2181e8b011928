import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.d.ts';
import type { Pod, Service } from 'kubernetes-types/core/v1.d.ts';
import { catchApiError as apiError } from '../helpers/api-error.ts';
import { jsonMergePatch, jsonPatch, shapeOf, strategicMergePatch } from '../../src/api/patch.ts';


function webSet(): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'nginx' }, finalizers: ['a', 'b'] },
    spec: {
      serviceName: 'nginx',
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'registry.k8s.io/nginx-slim:0.21',
              args: ['-g', 'daemon off;'],
              ports: [{ containerPort: 80, name: 'web' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
            },
            { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
          ],
          volumes: [{ name: 'scratch', emptyDir: {} }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  };
}

const SET = shapeOf('StatefulSet');

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, result) => {
    expect(jsonMergePatch(target, patch)).toEqual(result);
  });

  it('scales a set as kubectl scale does, without touching the input', () => {
    const set = webSet();
    const scaled = jsonMergePatch(set, { spec: { replicas: 5 } });
    expect(scaled.spec?.replicas).toBe(5);
    expect(scaled.spec?.template.spec?.containers).toHaveLength(2);
    expect(set.spec?.replicas).toBe(2);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies operations in order', () => {
    const out = jsonPatch(webSet(), [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'test', path: '/spec/serviceName', value: 'nginx' },
    ]);
    expect(out.spec?.replicas).toBe(3);
    expect(out.metadata?.labels).toEqual({ app: 'nginx', tier: 'web' });
    expect(out.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['nginx']);
  });

  it('answers an operation that cannot apply with 422 and a body that is not a patch with 400', () => {
    const failed = apiError(() => jsonPatch(webSet(), [{ op: 'test', path: '/spec/replicas', value: 9 }]));
    expect([failed.code, failed.reason, failed.message]).toEqual([422, 'Invalid', 'the server rejected our request due to an error in our request']);
    expect(apiError(() => jsonPatch(webSet(), [{ op: 'replace', path: '/spec/nope/deeper', value: 1 }])).code).toBe(422);
    expect(apiError(() => jsonPatch(webSet(), { op: 'add' })).message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    expect(apiError(() => jsonPatch(webSet(), [1])).code).toBe(400);
    expect(apiError(() => jsonPatch({}, Array.from({ length: 10001 }, () => ({ op: 'test', path: '', value: {} })))).code).toBe(413);
  });
});

describe('strategic merge patch', () => {
  it("applies kubectl apply's patch: new image, a container and an env var deleted, order kept", () => {
    // The shape kubectl 1.32 sends after the config dropped the sidecar and env B.
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [
              { '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], image: 'registry.k8s.io/nginx-slim:0.24', name: 'nginx' },
              { $patch: 'delete', name: 'sidecar' },
            ],
          },
        },
      },
    };
    const out = strategicMergePatch(webSet(), patch, SET);
    const containers = out.spec!.template.spec!.containers;
    expect(containers.map((c) => c.name)).toEqual(['nginx']);
    expect(containers[0].image).toBe('registry.k8s.io/nginx-slim:0.24');
    expect(containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(containers[0].ports).toEqual([{ containerPort: 80, name: 'web' }]);
    expect(containers[0].args).toEqual(['-g', 'daemon off;']);
    expect(out.metadata?.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' });
    expect(JSON.stringify(out)).not.toContain('$');
  });

  it('adds and removes labels as kubectl label does', () => {
    const added = strategicMergePatch(webSet(), { metadata: { labels: { tier: 'web' } } }, SET);
    expect(added.metadata?.labels).toEqual({ app: 'nginx', tier: 'web' });
    const removed = strategicMergePatch(added, { metadata: { labels: { app: null } } }, SET);
    expect(removed.metadata?.labels).toEqual({ tier: 'web' });
  });

  it('merges ports by containerPort, volumeMounts by mountPath, env by name; replaces atomic lists', () => {
    const out = strategicMergePatch(
      webSet(),
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'nginx',
                  ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
                  volumeMounts: [{ name: 'cache', mountPath: '/var/cache/nginx' }],
                  env: [{ name: 'B', value: '3' }],
                  args: ['-v'],
                },
              ],
              tolerations: [{ key: 'b', operator: 'Exists' }],
            },
          },
        },
      },
      SET,
    );
    const nginx = out.spec!.template.spec!.containers[0];
    expect(nginx.ports).toEqual([{ containerPort: 80, name: 'http' }, { containerPort: 443 }]);
    // Kubernetes puts items only the patch names before items only the server has.
    expect(nginx.volumeMounts?.map((m) => m.mountPath)).toEqual(['/var/cache/nginx', '/usr/share/nginx/html']);
    expect(nginx.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
    ]);
    expect(nginx.args).toEqual(['-v']);
    expect(out.spec!.template.spec!.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(out.spec!.template.spec!.containers[1].name).toBe('sidecar');
  });

  it('merges Service ports by port', () => {
    const service: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { ports: [{ port: 80, name: 'web' }, { port: 81 }] } };
    const out = strategicMergePatch(service, { spec: { ports: [{ port: 81, targetPort: 8081 }] } }, shapeOf('Service'));
    expect(out.spec?.ports).toEqual([{ port: 80, name: 'web' }, { port: 81, targetPort: 8081 }]);
  });

  it('clears the other keys of a volume with $retainKeys (emptyDir → configMap)', () => {
    const patch = {
      spec: { template: { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], name: 'scratch', configMap: { name: 'cfg' } }] } } },
    };
    const out = strategicMergePatch(webSet(), patch, SET);
    expect(out.spec!.template.spec!.volumes).toEqual([{ name: 'scratch', configMap: { name: 'cfg' } }]);
    const bad = { spec: { template: { spec: { volumes: [{ $retainKeys: ['name'], name: 'scratch', configMap: { name: 'cfg' } }] } } } };
    expect(apiError(() => strategicMergePatch(webSet(), bad, SET)).code).toBe(422);
  });

  it('replaces a list or a map with $patch: replace and empties a map with $patch: delete', () => {
    const out = strategicMergePatch(webSet(), { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } } }, SET);
    expect(out.spec!.template.spec!.containers).toEqual([{ name: 'only', image: 'x' }]);
    const labels = strategicMergePatch(webSet(), { metadata: { labels: { $patch: 'replace', fresh: 'yes' } } }, SET);
    expect(labels.metadata?.labels).toEqual({ fresh: 'yes' });
    const emptied = strategicMergePatch(webSet(), { spec: { selector: { $patch: 'delete' } } }, SET);
    expect(emptied.spec?.selector).toEqual({});
  });

  it('merges primitive lists with a merge strategy as sets and deletes from them', () => {
    const added = strategicMergePatch(webSet(), { metadata: { finalizers: ['b', 'c'] } }, SET);
    expect(added.metadata?.finalizers).toEqual(['a', 'b', 'c']);
    const removed = strategicMergePatch(webSet(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, SET);
    expect(removed.metadata?.finalizers).toEqual(['b']);
  });

  it('orders a list as $setElementOrder says, server-only items placed by server order (mergeSortedSlice)', () => {
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } };
    const out = strategicMergePatch(pod, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'c', image: 'x' }] } }, shapeOf('Pod'));
    // b (server position 1) goes before c (server position 2); c then a as the directive says.
    expect(out.spec?.containers.map((c) => c.name)).toEqual(['b', 'c', 'a']);
    const reordered = strategicMergePatch(pod, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }] } }, shapeOf('Pod'));
    expect(reordered.spec?.containers.map((c) => c.name)).toEqual(['c', 'b', 'a']);
  });

  it('merges ownerReferences by uid and pod conditions by type', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1' }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] },
    };
    const out = strategicMergePatch(pod, { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, shapeOf('Pod'));
    expect(out.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }]);
    expect(out.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }]);
  });

  it('refuses malformed patches with 400', () => {
    expect(apiError(() => strategicMergePatch(webSet(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, SET)).message).toBe(
      'map: {"image":"x"} does not contain declared merge key: name',
    );
    expect(apiError(() => strategicMergePatch(webSet(), { metadata: { $patch: 'explode' } }, SET)).code).toBe(400);
    expect(apiError(() => strategicMergePatch(webSet(), [1], SET)).message).toBe('invalid JSON document');
    expect(apiError(() => strategicMergePatch(webSet(), { metadata: { '$setElementOrder/finalizers': 'a' } }, SET)).message).toBe('invalid patch format of setElementOrder list');
  });
});
