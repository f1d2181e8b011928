/**
 * What a lab's check module is made of. A lab lives in labs/NN-name/ with a
 * README.md, a README.zh-CN.md and a check.ts that exports `steps`: each step
 * looks at the participant's own running cluster (through the API, exec in a
 * pod, or the volume directories) and answers pass, or fail with a hint that
 * says what to do next. See labs/README.md.
 */
import type { Event, Pod } from 'kubernetes-types/core/v1.d.ts';
import type { ApiObject } from '../api/store.ts';
import type { KubeApi } from '../client/kube-api.ts';
import type { ExecOutput } from '../client/pod-exec.ts';
import type { ClusterPaths } from '../engine/cluster-paths.ts';

export type StepVerdict = { ok: true; detail?: string } | { ok: false; hint: string };

export interface LabStep {
  /** One line, shown after ✓/✗: what the participant has achieved when it passes. */
  title: string;
  check(lab: LabContext): Promise<StepVerdict>;
}

/** The participant's cluster, as a check sees it. */
export interface LabContext {
  /** The namespace the lab works in (`default`). */
  readonly namespace: string;
  readonly paths: ClusterPaths;
  /** The cluster's API; a step that uses it when no cluster is running fails with "start one". */
  api(): Promise<KubeApi>;
  /** A pod by name, or undefined. */
  pod(name: string): Promise<(Pod & ApiObject) | undefined>;
  /** Events in the namespace, oldest first; optionally only those about one object. */
  events(about?: { kind?: string; name?: string; reason?: string }): Promise<(Event & ApiObject)[]>;
  /** Run a command in a pod's (first) container and collect its output. */
  exec(pod: string, command: string[], options?: { container?: string }): Promise<ExecOutput>;
  /** What a pod's container has written to stdout/stderr in its current run (`emu logs POD`); '' when the pod is gone. */
  logs(pod: string, options?: { container?: string }): Promise<string>;
  /** The host directory behind a claim, e.g. `www-web-0`. */
  claimDirectory(claim: string): string;
}

export function pass(detail?: string): StepVerdict {
  return { ok: true, detail };
}

export function fail(hint: string): StepVerdict {
  return { ok: false, hint };
}
