import type { PodSpec } from 'kubernetes-types/core/v1.d.ts';
import type { KubeObject, LoadedManifest } from '../manifest/types.ts';

/** Every image a set of manifests runs (containers and init containers of pods and pod templates). */
export function imagesOf(manifests: readonly LoadedManifest[]): string[] {
  return manifests.flatMap((m) => {
    const spec = podSpecOf(m.object);
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image!);
  });
}

function podSpecOf(object: KubeObject): PodSpec | undefined {
  switch (object.kind) {
    case 'StatefulSet':
    case 'Deployment':
    case 'ReplicaSet':
      return object.spec.template?.spec;
    case 'Pod':
      return object.spec;
    default:
      return undefined;
  }
}
