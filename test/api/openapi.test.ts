import { describe, expect, it } from 'vitest';
import { EMU_RESOURCES, groupVersionPath, openApiDocument, openApiIndex } from '../../src/api/openapi.ts';

type Operation = { parameters: { name: string }[]; requestBody?: unknown; 'x-kubernetes-group-version-kind': { group: string; version: string; kind: string } };

describe('OpenAPI v3 for kubectl', () => {
  it('indexes each group-version with a hashed URL', () => {
    const index = openApiIndex();
    expect(Object.keys(index.paths).sort()).toEqual(['api/v1', 'apis/apps/v1', 'apis/discovery.k8s.io/v1', 'apis/policy/v1']);
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(openApiIndex().paths['api/v1']).toEqual(index.paths['api/v1']);
  });

  it('gives every PATCH a group-version-kind and fieldValidation, and no requestBody', () => {
    for (const path of Object.keys(openApiIndex().paths)) {
      const doc = openApiDocument(path) as { paths: Record<string, { patch?: Operation }> };
      const patches = Object.values(doc.paths).flatMap((p) => (p.patch ? [p.patch] : []));
      expect(patches.length).toBeGreaterThan(0);
      for (const patch of patches) {
        expect(patch.parameters.map((p) => p.name)).toContain('fieldValidation');
        expect(patch.requestBody).toBeUndefined();
      }
    }
    const apps = openApiDocument('apis/apps/v1') as { paths: Record<string, { patch?: Operation }> };
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale'].patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'StatefulSet' });
    const core = openApiDocument('/api/v1/') as { paths: Record<string, unknown> };
    expect(Object.keys(core.paths)).toContain('/api/v1/namespaces/{name}');
    expect(Object.keys(core.paths)).toContain('/api/v1/namespaces/{namespace}/pods/{name}/status');
  });

  it('has no document for group-versions emu does not serve', () => {
    expect(openApiDocument('apis/batch/v1')).toBeUndefined();
    expect(groupVersionPath('', 'v1')).toBe('api/v1');
    expect(EMU_RESOURCES.every((r) => r.resource === r.resource.toLowerCase())).toBe(true);
  });
});
