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
// Histories, checkers, chaos schedules and run reports (issue #8).
export type { Operation, OpType, ProcessId, Key, Call, FaultValue } from './history/operation.ts';
export { HistoryRecorder, ClientProcess, unknownOutcome, type ErrorClassifier, type Outcome, type CallSpec } from './history/recorder.ts';
export { readHistory, parseHistory, HistoryError, type OperationRule } from './history/read-history.ts';
export { historyJsonl, operationLine } from './history/jsonl.ts';
export type { CheckResult, Verdict, CheckerName } from './check/result.ts';
export { EXIT_CODE, combineVerdicts } from './check/result.ts';
export { checkSetFull, setFullRule } from './check/set-full.ts';
export { checkRegister, registerRule } from './check/register.ts';
export { checkRouting, type RoutingOptions } from './check/routing.ts';
export { checkConvergence, type ConvergenceGroup, type CopyState } from './check/convergence.ts';
export { checkIdentity, type Incarnation } from './check/identity.ts';
export { CheckRunner } from './check/runner.ts';
export { WorkerPool, InThreadRunner, type TaskRunner } from './check/pool.ts';
export { formatCheckResult } from './check/format.ts';
export { plan, scheduleJson, type ChaosSpec, type Schedule, type ScheduledFault } from './chaos/plan.ts';
export { FAULTS, TARGET_MODES, NETEM_BEHAVIOURS, LASTING, type FaultName, type TargetMode } from './chaos/faults.ts';
export { isSeed, MAX_SEED } from './chaos/random.ts';
export { parseDuration, formatDuration } from './util/duration.ts';
export { formatRunSummary } from './report/summary.ts';
export { timelineHtml } from './report/timeline-html.ts';
export { writeRunFiles, HISTORY_FILE, TIMELINE_FILE } from './report/write-run.ts';
export type { RunRecord } from './report/run-record.ts';
export { pass, fail, type LabStep, type LabContext, type StepVerdict } from './lab/define.ts';
