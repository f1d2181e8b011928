/**
 * What lab checks look at again and again, read-only: readiness, the pods of a
 * workload, what a controller did (from its Events), names as a pod resolves
 * them, files in claim directories, nginx's access log. Every function only
 * reads the cluster.
 */
import { readFile } from 'node:fs/promises';
import type { Pod } from 'kubernetes-types/core/v1.d.ts';
import { byKind } from '../api/resources.ts';
import type { ApiObject } from '../api/store.ts';
import type { LabContext } from './define.ts';

const PODS = byKind('Pod')!;

export type LabPod = Pod & ApiObject;

export function isReady(pod: Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The live (not terminating) pods with label `app=<app>`, by name (ordinals numerically). */
export async function podsOf(lab: LabContext, app: string): Promise<LabPod[]> {
  const { items } = await (await lab.api()).list<LabPod>(PODS, { namespace: lab.namespace, labelSelector: `app=${app}` });
  return items.filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
}

/** Why the pods labelled `app=<app>` are not exactly `want` Ready pods (a hint), or undefined when they are. */
export async function notAllReady(lab: LabContext, app: string, want: number): Promise<string | undefined> {
  const pods = await podsOf(lab, app);
  const ready = pods.filter(isReady).length;
  return ready === want && pods.length === want ? undefined : `${app} has ${ready} Ready pod(s) of ${want}: wait for \`emu get pods -l app=${app} -w\``;
}

/** A workload object (`StatefulSet`, `Deployment`, `Service`, `ConfigMap`…) by name, or undefined. */
export async function findObject<T>(lab: LabContext, kind: string, name: string): Promise<(T & ApiObject) | undefined> {
  return (await lab.api()).find<T & ApiObject>(byKind(kind)!, lab.namespace, name);
}

/**
 * The pods a StatefulSet's controller created or deleted, in the order it did so
 * (from its `SuccessfulCreate`/`SuccessfulDelete` Events; a repeat counts again).
 */
export async function statefulSetActions(lab: LabContext, set: string, verb: 'create' | 'delete'): Promise<string[]> {
  const pattern = new RegExp(`^${verb} Pod (\\S+) in StatefulSet ${set} successful$`);
  const events = await lab.events({ kind: 'StatefulSet', name: set });
  return events.flatMap((e) => {
    const pod = pattern.exec(e.message ?? '')?.[1];
    return pod ? Array<string>(e.count ?? 1).fill(pod) : [];
  });
}

/** Every pod name a Deployment's ReplicaSets created (`Created pod: <name>` Events), oldest first. */
export async function replicaSetCreations(lab: LabContext, deployment: string): Promise<string[]> {
  const events = await lab.events({ kind: 'ReplicaSet', reason: 'SuccessfulCreate' });
  return events
    .filter((e) => e.involvedObject.name?.startsWith(`${deployment}-`))
    .flatMap((e) => /^Created pod: (\S+)$/.exec(e.message ?? '')?.[1] ?? []);
}

/** The IPv4 addresses `name` resolves to inside `pod`, in the order the pod's resolver returns them. */
export async function resolveIn(lab: LabContext, pod: string, name: string): Promise<string[]> {
  const { stdout } = await lab.exec(pod, ['getent', 'ahostsv4', name]);
  return [...new Set(stdout.split('\n').filter((line) => /\sSTREAM\b/.test(line)).map((line) => line.split(/\s+/)[0]))];
}

/** A file's text, trimmed, or undefined when it is not there. */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export interface AccessLogLine {
  client: string;
  request: string;
  status: number;
  agent: string;
}

/** The requests in nginx's access log (the combined format emu's nginx writes to stdout). */
export function accessLog(log: string): AccessLogLine[] {
  return log.split('\n').flatMap((line) => {
    const m = /^(\S+) \S+ \S+ \[[^\]]+\] "([^"]*)" (\d{3}) \S+ "[^"]*" "([^"]*)"$/.exec(line);
    return m ? [{ client: m[1], request: m[2], status: Number(m[3]), agent: m[4] }] : [];
  });
}

/** The requests curl made to a pod's nginx in its current run (probes and other clients left out). */
export async function curlRequests(lab: LabContext, pod: string): Promise<AccessLogLine[]> {
  return accessLog(await lab.logs(pod)).filter((r) => r.agent.startsWith('curl/'));
}
