/**
 * Stable error codes. Callers branch on `code`, never on message text; the proxy maps each
 * code to an HTTP status in one table. Codes are never renamed once published.
 */
export type HeadroomErrorCode =
  | 'invalid_request'
  | 'unsupported_format'
  | 'invalid_option'
  | 'transform_failed'
  | 'store_unavailable'
  | 'not_found';

export interface HeadroomErrorOptions {
  /** Structured facts about the failure (a JSON path, an option name, …). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one base class for every error Headroom throws on purpose. `message` is a single line a
 * user can act on: what went wrong and what to do about it.
 *
 * @example
 * try { parseRequest(body, 'openai') } catch (e) {
 *   if (e instanceof HeadroomError && e.code === 'invalid_request') console.error(e.message)
 * }
 */
export class HeadroomError extends Error {
  readonly code: HeadroomErrorCode;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: HeadroomErrorCode, message: string, options: HeadroomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HeadroomError';
    this.code = code;
    this.data = options.data ?? {};
  }
}

/** A request that does not have the shape its declared wire format requires. */
export class InvalidRequestError extends HeadroomError {
  constructor(message: string, options: HeadroomErrorOptions = {}) {
    super('invalid_request', message, options);
    this.name = 'InvalidRequestError';
  }
}

/** An option or configuration value that cannot be used. */
export class InvalidOptionError extends HeadroomError {
  constructor(message: string, options: HeadroomErrorOptions = {}) {
    super('invalid_option', message, options);
    this.name = 'InvalidOptionError';
  }
}

/** True for any error Headroom raised on purpose (as opposed to a bug). */
export function isHeadroomError(error: unknown): error is HeadroomError {
  return error instanceof HeadroomError;
}
