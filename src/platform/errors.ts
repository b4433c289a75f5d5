/**
 * The one catalogue of errors. Every error a user can meet has a stable id; HTTP and CLI map
 * the kind to a status code / exit code in one place (platform/http/errors.ts, main.ts).
 */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'gone' | 'too_many_requests' | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const Invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('invalid', code, message, details);
export const Unauthenticated = (code: string, message: string) => new AppError('unauthenticated', code, message);
export const Forbidden = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('forbidden', code, message, details);
export const NotFound = (code: string, message: string) => new AppError('not_found', code, message);
export const Conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError('conflict', code, message, details);
export const Gone = (code: string, message: string) => new AppError('gone', code, message);
export const TooManyRequests = (code: string, message: string) => new AppError('too_many_requests', code, message);
export const Unavailable = (code: string, message: string) => new AppError('unavailable', code, message);

export const HTTP_STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_many_requests: 429,
  unavailable: 503,
};

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
