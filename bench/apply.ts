import type { ApiObject } from '../src/api/store.ts';
import { applyObjects } from '../src/client/apply.ts';
import type { LoadedManifest } from '../src/manifest/types.ts';
import type { ScenarioContext } from '../src/scenario/context.ts';

/** Apply loaded manifests through the cluster's API, as `emu apply` does. */
export async function applyManifests(t: ScenarioContext, manifests: readonly LoadedManifest[]): Promise<void> {
  await applyObjects(t.api, manifests.map((m) => m.object as unknown as ApiObject));
}
