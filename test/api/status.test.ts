import { describe, expect, it } from 'vitest';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
  fromStatus,
  internalError,
  invalid,
  methodNotSupported,
  notFound,
  pathNotFound,
  strictDecoding,
  successStatus,
  tooOldResourceVersion,
  unknownField,
  unsupportedMediaType,
} from '../../src/api/status.ts';

const PODS = { group: '', resource: 'pods' };
const STATEFULSETS = { group: 'apps', resource: 'statefulsets' };

describe('Status errors', () => {
  it('writes NotFound exactly as the API server does, field order included', () => {
    expect(JSON.stringify(notFound(PODS, 'web-9').toStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"web-9\\" not found","reason":"NotFound","details":{"name":"web-9","kind":"pods"},"code":404}',
    );
  });

  it('qualifies resources of a named group', () => {
    const status = notFound(STATEFULSETS, 'web').toStatus();
    expect(status.message).toBe('statefulsets.apps "web" not found');
    expect(status.details).toEqual({ name: 'web', group: 'apps', kind: 'statefulsets' });
  });

  it('has AlreadyExists and Conflict as 409 with their own reasons', () => {
    expect(alreadyExists(STATEFULSETS, 'web').toStatus()).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'statefulsets.apps "web" already exists' });
    expect(conflict(PODS, 'web-0').toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on pods "web-0": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('words one Invalid cause as the aggregate of one and keeps every cause', () => {
    const error = invalid({ group: 'apps', kind: 'StatefulSet' }, 'web', [fieldInvalid('spec.replicas', -1, 'must be greater than or equal to 0')]);
    expect(error.code).toBe(422);
    expect(error.message).toBe('StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(error.toStatus().details).toEqual({
      name: 'web',
      group: 'apps',
      kind: 'StatefulSet',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
    });
  });

  it('lists several Invalid causes in brackets, strings quoted, required without a value', () => {
    const error = invalid({ group: '', kind: 'Pod' }, 'p', [
      fieldRequired('spec.containers[0].image'),
      fieldNotSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
    ]);
    expect(error.message).toBe(
      'Pod "p" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
    );
    expect(error.toStatus().details?.group).toBeUndefined();
  });

  it('has the watch and decoding errors clients look for', () => {
    expect(tooOldResourceVersion(5, 90).toStatus()).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 5 (90)' });
    expect(strictDecoding('StatefulSet', 'v1', [unknownField('spec.foo')]).toStatus()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec.foo"',
    });
    expect(methodNotSupported(PODS, 'create').message).toBe('create is not supported on resources of kind "pods"');
    expect(unsupportedMediaType(['application/json']).code).toBe(415);
    expect(badRequest('x').toStatus().details).toBeUndefined();
    expect(pathNotFound().toStatus()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
  });

  it('wraps unexpected failures as InternalError with the cause', () => {
    const cause = new Error('disk full');
    const error = internalError(cause);
    expect(error.toStatus()).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: disk full', details: { causes: [{ message: 'disk full' }] } });
    expect(error.cause).toBe(cause);
  });

  it('round-trips through a Status body and writes Success', () => {
    const back = fromStatus(notFound(PODS, 'x').toStatus());
    expect(back).toBeInstanceOf(ApiError);
    expect([back.code, back.reason, back.message]).toEqual([404, 'NotFound', 'pods "x" not found']);
    expect(successStatus()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  });
});
