// Error classes by kind. Handlers and the daemon throw these; the API server's error sink maps the
// class (never the message) to an HTTP status code. gRPC errors are translated into the same classes.

export class BerthError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 400 */
export class InvalidParameterError extends BerthError {}
/** 401 */
export class UnauthorizedError extends BerthError {}
/** 403 */
export class ForbiddenError extends BerthError {}
/** 404 */
export class NotFoundError extends BerthError {}
/** 409 */
export class ConflictError extends BerthError {}
/** 304: not an error for the client, but it aborts the handler */
export class NotModifiedError extends BerthError {}
/** 501 */
export class NotImplementedError extends BerthError {}
/** 503 */
export class UnavailableError extends BerthError {}
/**
 * 503: the request needs a swarm (a manager) and this node is in none. berthd never joins a swarm, so
 * every cluster endpoint ends here, as dockerd's daemon/cluster answers outside a swarm (its
 * notAvailableError). A kind of UnavailableError, so the status mapping stays the class's.
 */
export class SwarmUnavailableError extends UnavailableError {}
/** 500 */
export class SystemError extends BerthError {}

export function isNotFound(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError;
}
export function isConflict(err: unknown): err is ConflictError {
  return err instanceof ConflictError;
}

/** The same kind of error (so the same status code) with `prefix` before its message, like Go's errors.Wrap. */
export function withPrefix(err: unknown, prefix: string): Error {
  const message = `${prefix}${err instanceof Error ? err.message : String(err)}`;
  if (err instanceof BerthError) {
    const Kind = err.constructor as new (message: string, options?: { cause?: unknown }) => BerthError;
    return new Kind(message, { cause: err });
  }
  return new SystemError(message, { cause: err });
}
