/**
 * A fault as an API object, so that the CLI, kubectl and the dashboard see the
 * faults in force like any other resource (`kubectl get faults`):
 *
 *   apiVersion: chaos.emu.dev/v1alpha1
 *   kind: Fault
 *   metadata: { name: f3-pause, namespace: default }
 *   spec:
 *     fault: pause                 # pod-delete, pod-kill, container-kill, pause, partition, netem
 *     targets: [mysql-1]           # pod names in the Fault's namespace
 *     params: {}                   # as in a chaos spec (netem: {netem: loss, percent: 20}, partition: {cuts})
 *     duration: 2500ms             # lasting faults: healed after this long (default: until deleted)
 *   status:
 *     phase: Active                # Active (lasting, in force) | Done (happened at once) | Healed | Failed
 *     message: SIGSTOP to 14 processes of mysql-1
 *     injectedAt / healedAt
 *
 * Deleting a Fault heals it: a lasting fault carries the finalizer
 * chaos.emu.dev/heal, which the fault controller removes once it has healed.
 */
import type { ApiObject, Strategy } from '../api/store.ts';
import { fieldInvalid, fieldRequired, invalid, type FieldError } from '../api/status.ts';
import { parseDuration } from '../util/duration.ts';
import { FAULTS, LASTING, type FaultName } from './faults.ts';

export const FAULT_API_VERSION = 'chaos.emu.dev/v1alpha1';
export const HEAL_FINALIZER = 'chaos.emu.dev/heal';

export type FaultPhase = 'Active' | 'Done' | 'Healed' | 'Failed';

export interface FaultSpec {
  fault: FaultName;
  targets: string[];
  params?: Record<string, unknown>;
  duration?: string;
}

export interface FaultStatus {
  phase?: FaultPhase;
  message?: string;
  injectedAt?: string;
  healedAt?: string;
}

export interface FaultObject extends ApiObject {
  spec: FaultSpec;
  status?: FaultStatus;
}

/** A Fault object for `fault` on `targets`, named `name` (in `namespace`). */
export function faultObject(name: string, namespace: string, spec: FaultSpec): FaultObject {
  return { apiVersion: FAULT_API_VERSION, kind: 'Fault', metadata: { name, namespace, labels: { 'chaos.emu.dev/fault': spec.fault } }, spec };
}

function specErrors(object: ApiObject): FieldError[] {
  const spec = object.spec as Partial<FaultSpec> | undefined;
  if (typeof spec !== 'object' || spec === null) return [fieldRequired('spec', 'a Fault needs spec.fault and spec.targets')];
  const errors: FieldError[] = [];
  if (!FAULTS.includes(spec.fault as FaultName)) errors.push(fieldInvalid('spec.fault', spec.fault, `unknown fault (${FAULTS.join(', ')})`));
  if (!Array.isArray(spec.targets) || spec.targets.length === 0 || spec.targets.some((t) => typeof t !== 'string' || t === '')) errors.push(fieldInvalid('spec.targets', spec.targets, 'must list pod names'));
  if (spec.params !== undefined && (typeof spec.params !== 'object' || spec.params === null || Array.isArray(spec.params))) errors.push(fieldInvalid('spec.params', spec.params, 'must be an object'));
  if (spec.duration !== undefined && (typeof spec.duration !== 'string' || parseDuration(spec.duration) === undefined)) errors.push(fieldInvalid('spec.duration', spec.duration, 'must be a duration like 500ms, 5s or 2m'));
  return errors;
}

/** The API server's rules for Faults: a valid spec, fixed once created; lasting faults get the heal finalizer. */
export class FaultStrategy implements Strategy {
  prepareForCreate(object: ApiObject): void {
    delete object.status;
    const spec = object.spec as Partial<FaultSpec> | undefined;
    if (LASTING.has(spec?.fault as FaultName)) object.metadata.finalizers = [...new Set([...(object.metadata.finalizers ?? []), HEAL_FINALIZER])];
  }

  validate(object: ApiObject, old?: ApiObject): void {
    const errors = specErrors(object);
    if (old && JSON.stringify(old.spec) !== JSON.stringify(object.spec)) errors.push({ type: 'FieldValueForbidden', field: 'spec', detail: 'a Fault is immutable once created: delete it (which heals it) and create another' });
    if (errors.length) throw invalid({ group: 'chaos.emu.dev', kind: 'Fault' }, object.metadata?.name ?? '', errors);
  }
}
