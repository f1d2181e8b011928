/**
 * What one `emu doctor` check found: ✓, or ✗ with exactly how to fix it.
 * Required checks decide the exit code; optional ones (what only some labs
 * need) are reported the same way but do not fail the run.
 */
export interface CheckResult {
  /** What was checked: "kernel", "ip (iproute2)". */
  name: string;
  required: boolean;
  ok: boolean;
  /** What was found: "6.1.0-18-amd64", "not found on PATH". */
  found: string;
  /** When not ok: the command or setting that fixes it. */
  fix?: string;
}

export type Check = () => Promise<CheckResult | CheckResult[]>;

export function passed(name: string, found: string, required = true): CheckResult {
  return { name, required, ok: true, found };
}

export function failed(name: string, found: string, fix: string, required = true): CheckResult {
  return { name, required, ok: false, found, fix };
}

/** `sudo ` unless we are root already: fixes are printed ready to paste. */
export function sudo(): string {
  return process.getuid?.() === 0 ? '' : 'sudo ';
}

export function aptInstall(...packages: string[]): string {
  return `${sudo()}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}
