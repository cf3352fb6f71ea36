// The one place where error classes become HTTP status codes.
import {
  ConflictError, ForbiddenError, InvalidParameterError, NotFoundError, NotImplementedError,
  NotModifiedError, UnauthorizedError, UnavailableError,
} from './errors.js';

export function statusCodeOf(err: unknown): number {
  if (err instanceof InvalidParameterError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof NotModifiedError) return 304;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof UnavailableError) return 503; // SwarmUnavailableError too
  if (err instanceof SyntaxError) return 400; // malformed JSON bodies
  return 500;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
