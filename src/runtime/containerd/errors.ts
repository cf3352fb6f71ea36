// The one place where gRPC status codes become Berth's error classes (src/errdefs). The gRPC error
// is kept as `cause` so logs still show containerd's code and details.
import { status as Status } from '@grpc/grpc-js';
import {
  BerthError,
  ConflictError,
  InvalidParameterError,
  NotFoundError,
  SystemError,
  UnavailableError,
} from '../../errdefs/errors.js';

export interface GrpcLikeError {
  code: number;
  details?: string;
  message?: string;
}

export function isGrpcError(err: unknown): err is GrpcLikeError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

export function grpcCode(err: unknown): number | undefined {
  if (isGrpcError(err)) return err.code;
  // already mapped: look through to the gRPC cause
  if (err instanceof BerthError && isGrpcError(err.cause)) return err.cause.code;
  return undefined;
}

export function fromGrpcError(err: unknown, context?: string): BerthError {
  if (err instanceof BerthError) return err;
  if (!isGrpcError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new SystemError(context ? `${context}: ${message}` : message, { cause: err });
  }
  // `details` is containerd's own message; `message` prefixes it with "5 NOT_FOUND: ".
  const detail = err.details || err.message || `gRPC status ${err.code}`;
  const message = context ? `${context}: ${detail}` : detail;
  switch (err.code) {
    case Status.NOT_FOUND:
      return new NotFoundError(message, { cause: err });
    case Status.ALREADY_EXISTS:
    case Status.FAILED_PRECONDITION:
      return new ConflictError(message, { cause: err });
    case Status.INVALID_ARGUMENT:
      return new InvalidParameterError(message, { cause: err });
    case Status.UNAVAILABLE:
      return new UnavailableError(message, { cause: err });
    default:
      return new SystemError(message, { cause: err });
  }
}
