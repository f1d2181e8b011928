/**
 * emu's public API: everything tests, scenarios and tools import.
 */
export { EmuError, ManifestError, type EmuErrorCode, type SourceLocation } from './errors.ts';
export { loadManifests, parseManifestText } from './manifest/load.ts';
export type { LoadedManifest, KubeObject, ManifestWarning } from './manifest/types.ts';
export { Cluster } from './engine/cluster.ts';
export { ApiStore, type ApiObject, type WatchEvent } from './api/store.ts';
export { RESOURCES, byKind, resolveResourceName, type ResourceType } from './api/resources.ts';
export { ApiError } from './api/status.ts';
export type { KubeApi, Selectors, PatchType } from './client/kube-api.ts';
export { LocalApi } from './client/local-api.ts';
export { RestApi } from './client/rest-api.ts';
export { applyObjects } from './client/apply.ts';
export { clusterPaths, type ClusterPaths } from './engine/cluster-paths.ts';
export { defineScenario, type Scenario } from './scenario/define.ts';
export { ScenarioContext, type PodSnapshot } from './scenario/context.ts';
export { check, AssertionFailure } from './scenario/assertions.ts';
export type { ScenarioReport, StepResult } from './scenario/report.ts';
export { ensureDaemon, stopDaemon } from './daemon/launch.ts';
export { nodeCommand } from './node/enter-node.ts';
export { findImage, CATALOG, type NativeImage } from './images/catalog.ts';
export { pullImages } from './images/pull.ts';
export { StatefulSetController } from './controller/statefulset-controller.ts';
export { reconcile } from './controller/reconcile.ts';
export { pass, fail, type LabStep, type LabContext, type StepVerdict } from './lab/define.ts';
