import type { Status, StatusCause, StatusDetails } from 'kubernetes-types/meta/v1.d.ts';

/**
 * Kubernetes API errors and the meta/v1 Status objects the API server writes for
 * them. Constructors and message formats follow apimachinery's pkg/api/errors
 * (NewNotFound, NewInvalid, …) and pkg/util/validation/field, so that kubectl
 * prints exactly what it prints against a real cluster, e.g.
 * `Error from server (NotFound): pods "web-9" not found`.
 */

export type StatusReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable'
  | 'NonZeroExitCode';

/** A resource as the API names it in URLs: `pods`, `statefulsets` in group `apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A kind with its group: `Pod` (core, group ""), `StatefulSet` in `apps`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** apimachinery's GroupResource.String(): `pods`, `statefulsets.apps`. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** apimachinery's GroupKind.String(): `Pod`, `StatefulSet.apps`. */
export function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/** An error that the API answers as a Status object with an HTTP status code. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The Status body, with the API server's field order and omitted empties. */
  toStatus(): Status {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function compactDetails(details: StatusDetails | undefined): StatusDetails | undefined {
  if (!details) return undefined;
  const out: StatusDetails = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.uid) out.uid = details.uid;
  if (details.causes?.length) out.causes = details.causes.map(compactCause);
  if (details.retryAfterSeconds) out.retryAfterSeconds = details.retryAfterSeconds;
  return Object.keys(out).length ? out : undefined;
}

function compactCause(cause: StatusCause): StatusCause {
  const out: StatusCause = {};
  if (cause.reason) out.reason = cause.reason;
  if (cause.message) out.message = cause.message;
  if (cause.field) out.field = cause.field;
  return out;
}

function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' };
  if (message) status.message = message;
  if (reason) status.reason = reason;
  const compact = compactDetails(details);
  if (compact) status.details = compact;
  status.code = code;
  return status;
}

/** A Success Status, as DELETE of some resources and exec's channel 3 answer. */
export function successStatus(details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  const compact = compactDetails(details);
  if (compact) status.details = compact;
  return status;
}

function resourceDetails(gr: GroupResource, name?: string): StatusDetails {
  return { name, group: gr.group, kind: gr.resource };
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(gr)} ${goQuote(name)} not found`, resourceDetails(gr, name));
}

/** A URL the API does not serve (no such group, version or resource): kubectl says "the server could not find the requested resource". */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(gr)} ${goQuote(name)} already exists`, resourceDetails(gr, name));
}

/** The message the API server gives for a stale resourceVersion on update. */
export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why: string = OBJECT_MODIFIED): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} ${goQuote(name)}: ${why}`, resourceDetails(gr, name));
}

/** Server-side apply field conflicts (409 with one cause per field; see patch.ts). */
export function applyConflict(causes: StatusCause[], message: string): ApiError {
  return new ApiError(409, 'Conflict', message, { causes });
}

export function forbidden(gr: GroupResource | undefined, name: string, why: string): ApiError {
  let message: string;
  if (!gr || (!gr.group && !gr.resource)) message = `forbidden: ${why}`;
  else if (!name) message = `${qualifiedResource(gr)} is forbidden: ${why}`;
  else message = `${qualifiedResource(gr)} ${goQuote(name)} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', message, gr ? resourceDetails(gr, name) : undefined);
}

export function unauthorized(why = ''): ApiError {
  return new ApiError(401, 'Unauthorized', why || 'not authorized');
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 410 Gone (deprecated upstream in favour of `expired`, still understood by clients). */
export function gone(message: string): ApiError {
  return new ApiError(410, 'Gone', message);
}

/** 410 Expired: a list or watch from a resourceVersion the server no longer holds. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** What etcd-backed storage says for a watch from a compacted resourceVersion. */
export function tooOldResourceVersion(requested: number | string, oldest: number | string): ApiError {
  return expired(`too old resource version: ${requested} (${oldest})`);
}

export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${goQuote(qualifiedResource(gr))}`, resourceDetails(gr));
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

export function notAcceptable(accepted: string[]): ApiError {
  return new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function requestEntityTooLarge(message: string): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/**
 * NewGenericServerResponse(422): what the API server answers when a JSON patch
 * or a strategic merge patch cannot apply. Its words hide the detail; `cause` keeps it.
 */
export function unprocessableEntity(cause: unknown): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', undefined, { cause });
}

export function internalError(error: unknown): ApiError {
  const text = error instanceof Error ? error.message : String(error);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] }, { cause: error });
}

export function timeout(message: string, retryAfterSeconds = 0): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/**
 * Strict field validation's answer for unknown or duplicate fields in a body:
 * `StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec.foo"`.
 */
export function strictDecoding(kind: string, version: string, problems: string[]): ApiError {
  return badRequest(`${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
}

export function unknownField(path: string): string {
  return `unknown field ${goQuote(path)}`;
}

// ---- field errors (apimachinery's pkg/util/validation/field) ----

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const FIELD_ERROR_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose body never shows the bad value (field.Error.ErrorBody). */
const VALUELESS: ReadonlySet<FieldErrorType> = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

/** One located validation problem: `spec.replicas: Invalid value: -1: must be …`. */
export interface FieldError {
  type: FieldErrorType;
  /** The field path as Kubernetes writes it: `spec.template.spec.containers[0].image`. */
  field: string;
  /** The offending value; leave out (undefined) to omit it from the message. */
  value?: unknown;
  detail?: string;
}

export function fieldInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value: value === undefined ? null : value, detail };
}

export function fieldRequired(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

export function fieldForbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

export function fieldDuplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value };
}

export function fieldNotFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, value };
}

export function fieldNotSupported(field: string, value: unknown, supported: string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, value, detail };
}

/** `Invalid value: -1: must be greater than or equal to 0` (field.Error.ErrorBody). */
export function fieldErrorBody(error: FieldError): string {
  let body = FIELD_ERROR_TEXT[error.type];
  if (!VALUELESS.has(error.type) && error.value !== undefined) body += `: ${goValue(error.value)}`;
  if (error.detail) body += `: ${error.detail}`;
  return body;
}

/** `spec.replicas: Invalid value: -1: must be …` (field.Error.Error). */
export function fieldErrorText(error: FieldError): string {
  return error.field ? `${error.field}: ${fieldErrorBody(error)}` : fieldErrorBody(error);
}

/**
 * 422 Invalid: `StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: …`;
 * several errors are listed as Kubernetes' aggregate does: `[a, b]`.
 */
export function invalid(gk: GroupKind, name: string, errors: FieldError[]): ApiError {
  const texts = [...new Set(errors.map(fieldErrorText))];
  const prefix = `${qualifiedKind(gk)} ${goQuote(name)} is invalid`;
  const message = texts.length === 0 ? prefix : texts.length === 1 ? `${prefix}: ${texts[0]}` : `${prefix}: [${texts.join(', ')}]`;
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new ApiError(422, 'Invalid', message, { name, group: gk.group, kind: gk.kind, causes });
}

/** Rebuild an ApiError from a Status body (for clients of the API). */
export function fromStatus(status: Status): ApiError {
  return new ApiError(status.code ?? 500, (status.reason ?? 'InternalError') as StatusReason, status.message ?? '', status.details);
}

/** Go's %q for the strings Kubernetes quotes: JSON string escaping matches it for printable text. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** Go's %v for scalars and %q for strings; JSON for anything structured. */
function goValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
