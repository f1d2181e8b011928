/**
 * Typed errors. Every error emu raises on purpose is an EmuError with a stable
 * `code` (for programs) and a one-line message (for people); the CLI prints the
 * message and exits 1. `cause` keeps the underlying error for debugging.
 */
export type EmuErrorCode =
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNSUPPORTED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'IMAGE_UNKNOWN'
  | 'IMAGE_PULL_FAILED'
  | 'CLUSTER_NOT_RUNNING'
  | 'CLUSTER_RUNNING'
  | 'RUNTIME_FAILED'
  | 'TIMEOUT'
  | 'USAGE'
  | 'SCENARIO_INVALID'
  | 'HISTORY_INVALID'
  | 'CHAOS_INVALID'
  | 'CHECK_INPUT_INVALID'
  | 'PRIVILEGE';

export class EmuError extends Error {
  readonly code: EmuErrorCode;
  constructor(code: EmuErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmuError';
    this.code = code;
  }
}

/** Where in a manifest something is wrong: file:line:col plus the field path. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export class ManifestError extends EmuError {
  readonly location: SourceLocation;
  readonly fieldPath: string;
  /** What is wrong, without where. */
  readonly problem: string;
  constructor(
    code: 'MANIFEST_INVALID' | 'MANIFEST_UNSUPPORTED',
    location: SourceLocation,
    fieldPath: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    const where = `${location.file}:${location.line}:${location.col}`;
    super(code, `${where}: ${fieldPath ? fieldPath + ': ' : ''}${problem}`, options);
    this.name = 'ManifestError';
    this.location = location;
    this.fieldPath = fieldPath;
    this.problem = problem;
  }
}
