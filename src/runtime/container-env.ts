import { expandDependentVars } from './dependent-vars.ts';
import type { RuntimeContainer } from './pod-spec.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The environment a container's processes see, `NAME=value`: `status.podIP`
 * filled in, `$(VAR)` expanded. With `imageDefaults` false (real images, which
 * set PATH and HOME themselves, and the runtime HOSTNAME), only what the
 * container declares.
 */
export function containerEnv(spec: RuntimeContainer, hostname: string, podIP: string, imageDefaults = true): string[] {
  return [...containerVars(spec, hostname, podIP, imageDefaults)].map(([k, v]) => `${k}=${v}`);
}

function containerVars(spec: RuntimeContainer, hostname: string, podIP: string, imageDefaults: boolean): Map<string, string> {
  const env = new Map<string, string>(
    imageDefaults
      ? [
          ['PATH', DEFAULT_PATH],
          ['HOSTNAME', hostname],
          ['HOME', '/root'],
        ]
      : [],
  );
  const declared = new Map<string, string>();
  for (const e of spec.env) {
    const value = e.fromPodIP ? podIP : expandDependentVars(e.value, declared);
    declared.set(e.name, value);
    env.set(e.name, value);
  }
  return env;
}

/** The command line: `$(VAR)` in command and args refers to the variables the container declares. */
export function containerArgv(spec: RuntimeContainer, env: string[]): string[] {
  return expandWords(spec, env, spec.argv);
}

/** The container's `command` and `args` (undefined when the manifest leaves them out), variables expanded. */
export function containerCommand(spec: RuntimeContainer, env: string[]): { command?: string[]; args?: string[] } {
  const words = (list: string[] | undefined) => (list && list.length > 0 ? expandWords(spec, env, list) : undefined);
  return { command: words(spec.command), args: words(spec.args) };
}

function expandWords(spec: RuntimeContainer, env: string[], words: string[]): string[] {
  const names = new Set(spec.env.map((e) => e.name));
  const declared = new Map(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]).filter(([k]) => names.has(k)) as [string, string][]);
  return words.map((word) => expandDependentVars(word, declared));
}
