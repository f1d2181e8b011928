import type { LoadedManifest } from '../manifest/types.ts';

/** Every image a set of manifests runs (containers and init containers). */
export function imagesOf(manifests: readonly LoadedManifest[]): string[] {
  return manifests.flatMap((m) => {
    if (m.object.kind !== 'StatefulSet') return [];
    const spec = m.object.spec.template.spec;
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image!);
  });
}
