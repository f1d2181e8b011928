import type { Key, Operation } from '../history/operation.ts';
import { checkConvergence, type ConvergenceDetails, type ConvergenceGroup } from './convergence.ts';
import { checkIdentity, type IdentityDetails, type Incarnation } from './identity.ts';
import { checkRegisterKey, type RegisterKeyResult } from './register.ts';
import type { CheckResult } from './result.ts';
import { checkRouting, type RoutingDetails, type RoutingOptions } from './routing.ts';
import { checkSetFullKey, type SetFullKeyResult } from './set-full.ts';

/**
 * The units of work a worker thread does: a batch of keys of set-full or
 * register (each key is independent), or a whole routing, convergence or identity
 * check. Plain data only: tasks and results cross threads by structured clone.
 */
export interface KeyGroup {
  key?: Key;
  ops: Operation[];
}

export function keyGroup(key: Key | undefined, ops: Operation[]): KeyGroup {
  return key === undefined ? { ops } : { key, ops };
}

export type CheckTask =
  | { kind: 'set-full'; groups: KeyGroup[] }
  | { kind: 'register'; groups: KeyGroup[]; deadline: number; witness: boolean }
  | { kind: 'routing'; ops: Operation[]; options: RoutingOptions }
  | { kind: 'convergence'; copies: ConvergenceGroup[] }
  | { kind: 'identity'; incarnations: Incarnation[] };

export interface TaskResults {
  'set-full': SetFullKeyResult[];
  register: RegisterKeyResult[];
  routing: CheckResult<RoutingDetails>;
  convergence: CheckResult<ConvergenceDetails>;
  identity: CheckResult<IdentityDetails>;
}

export type TaskKind = CheckTask['kind'];
export type TaskOf<K extends TaskKind> = Extract<CheckTask, { kind: K }>;

export function runTask<K extends TaskKind>(task: TaskOf<K>): TaskResults[K];
export function runTask(task: CheckTask): TaskResults[TaskKind] {
  switch (task.kind) {
    case 'set-full':
      return task.groups.map((g) => checkSetFullKey(g.key, g.ops));
    case 'register':
      return task.groups.map((g) => checkRegisterKey(g.key, g.ops, task.deadline, task.witness));
    case 'routing':
      return checkRouting(task.ops, task.options);
    case 'convergence':
      return checkConvergence(task.copies);
    case 'identity':
      return checkIdentity(task.incarnations);
  }
}
