import { expect } from 'vitest';
import { ApiError } from '../../src/api/status.ts';

/** Run something that must fail with an ApiError, and return that error. */
export function catchApiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError, got none');
}
