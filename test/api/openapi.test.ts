import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiIndex } from '../../src/api/openapi.ts';
import { apiGroups } from '../../src/api/discovery.ts';

type Operation = { parameters: { name: string }[]; requestBody?: unknown; 'x-kubernetes-group-version-kind': { group: string; version: string; kind: string } };

describe('OpenAPI v3 for kubectl', () => {
  it('indexes every served group-version', () => {
    const index = openApiIndex();
    expect(Object.keys(index.paths).sort()).toEqual(['api/v1', 'apis/apps/v1', 'apis/chaos.emu.dev/v1alpha1', 'apis/discovery.k8s.io/v1', 'apis/policy/v1']);
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
  });

  it('gives every PATCH a group-version-kind and a fieldValidation parameter, and no requestBody', () => {
    for (const g of apiGroups()) {
      for (const version of g.versions) {
        const doc = openApiDocument(g.group, version) as { paths: Record<string, { patch?: Operation }> };
        const patches = Object.values(doc.paths).flatMap((p) => (p.patch ? [p.patch] : []));
        expect(patches.length).toBeGreaterThan(0);
        for (const patch of patches) {
          expect(patch.parameters.map((p) => p.name)).toContain('fieldValidation');
          expect(patch.requestBody).toBeUndefined();
        }
      }
    }
    const apps = openApiDocument('apps', 'v1') as { paths: Record<string, { patch?: Operation }> };
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}'].patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'StatefulSet' });
  });
});
