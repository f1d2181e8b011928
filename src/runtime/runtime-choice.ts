import { EmuError } from '../errors.ts';
import { RUNTIME_NAMES, type RuntimeName } from './container-runtime.ts';

/**
 * The runtime a command asks for: its --runtime option, else EMU_RUNTIME, else
 * `fallback` (a scenario's own choice); undefined when nothing asks (the
 * running cluster's runtime, or native for a new one).
 */
export function requestedRuntime(option: string | undefined, fallback?: string): RuntimeName | undefined {
  const fromEnv = process.env.EMU_RUNTIME || undefined;
  const value = option ?? fromEnv ?? fallback;
  if (value === undefined) return undefined;
  if (!(RUNTIME_NAMES as readonly string[]).includes(value)) {
    const where = option !== undefined ? '--runtime' : fromEnv !== undefined ? 'EMU_RUNTIME' : "the scenario's runtime";
    throw new EmuError('USAGE', `${where} must be ${RUNTIME_NAMES.join(' or ')}, got "${value}"`);
  }
  return value as RuntimeName;
}

/** Which runtime a Node's nodeInfo.containerRuntimeVersion names (`docker://20.10.24`, `emu://native`). */
export function runtimeOfVersion(version: string | undefined): RuntimeName {
  return version?.startsWith('docker://') ? 'docker' : 'native';
}

/**
 * A running cluster keeps the runtime it started with: asking it for the
 * other one is refused (its pods cannot move between runtimes).
 */
export function keepRuntime(cluster: string, running: RuntimeName, requested: RuntimeName | undefined): RuntimeName {
  if (requested && requested !== running) {
    throw new EmuError(
      'CLUSTER_RUNNING',
      `cluster "${cluster}" is running on the ${running} runtime, not ${requested}: stop it with emu down first, or use another cluster (emu --cluster NAME …)`,
    );
  }
  return running;
}
