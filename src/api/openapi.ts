/**
 * The OpenAPI v3 documents kubectl reads before `apply`/`create`: an index of
 * group-versions, and per group-version the paths whose PATCH operation carries
 * `x-kubernetes-group-version-kind` and a `fieldValidation` parameter. That is
 * how kubectl learns the server validates fields itself (cli-runtime's
 * query_param_verifier_v3), so it sends `fieldValidation=Strict` and leaves the
 * checking to emu's validators. Schemas are deliberately absent: kubectl
 * computes strategic merge patches from its compiled-in types.
 */
import { apiGroups, openApiPath } from './discovery.ts';
import { RESOURCES } from './resources.ts';

export function openApiIndex() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of apiGroups()) {
    for (const version of g.versions) {
      const path = openApiPath(g.group, version);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=emu1` };
    }
  }
  return { paths };
}

export function openApiDocument(group: string, version: string) {
  const paths: Record<string, unknown> = {};
  const prefix = `/${openApiPath(group, version)}`;
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const operation = (action: string) => ({
      operationId: `${action}${r.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
        { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
      ],
      responses: { '200': { description: 'OK' } },
    });
    const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    paths[base] = { post: operation('post') };
    paths[`${base}/{name}`] = { put: operation('put'), patch: operation('patch') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0-emu' }, paths, components: { schemas: {} } };
}
