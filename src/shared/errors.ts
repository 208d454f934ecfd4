/**
 * The one base error of Wakala: a stable string `code` that callers and logs
 * can branch on, a one-sentence message for the operator and the standard
 * `cause`. Messages never carry a phone number, a message body or a secret.
 */
export class WakalaError extends Error {
  readonly code: string;

  /** HTTP status a boundary should answer with, when the error reaches one. */
  readonly httpStatus: number;

  /** True when the same operation may succeed if tried again later. */
  readonly isRetryable: boolean;

  constructor(
    code: string,
    message: string,
    options: {
      cause?: unknown;
      httpStatus?: number;
      isRetryable?: boolean;
    } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'WakalaError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? 500;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** Bad input from a person or a caller: answered with 400 and its message. */
export class InputError extends WakalaError {
  constructor(
    code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { ...options, httpStatus: 400 });
    this.name = 'InputError';
  }
}

/** Something asked for does not exist (for this tenant). */
export class NotFoundError extends WakalaError {
  constructor(
    code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { ...options, httpStatus: 404 });
    this.name = 'NotFoundError';
  }
}

/** A request that conflicts with existing data (a taken number, a duplicate). */
export class ConflictError extends WakalaError {
  constructor(
    code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { ...options, httpStatus: 409 });
    this.name = 'ConflictError';
  }
}

/** Access refused: a missing or wrong credential, or another tenant's data. */
export class ForbiddenError extends WakalaError {
  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; httpStatus?: 401 | 403 } = {},
  ) {
    super(code, message, {
      cause: options.cause,
      httpStatus: options.httpStatus ?? 403,
    });
    this.name = 'ForbiddenError';
  }
}

/** Returns the error's code when it is a WakalaError, else 'internal'. */
export function errorCode(error: unknown): string {
  return error instanceof WakalaError ? error.code : 'internal';
}
