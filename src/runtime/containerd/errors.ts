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
  const detail = goErrnoSpelling(err.details || err.message || `gRPC status ${err.code}`);
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

/** strerror(3) texts crun appends, and the lower-case Go spellings (syscall.Errno.Error()) runc's carry */
const ERRNO_TEXTS: [RegExp, string][] = [
  [/No such file or directory/g, 'no such file or directory'],
  [/Permission denied/g, 'permission denied'],
  [/Is a directory/g, 'is a directory'],
  [/Not a directory/g, 'not a directory'],
];

/**
 * crun reports a missing command as "executable file `x` not found in $PATH: No such file or
 * directory"; dockerd, the docker CLI and berthd pick exit codes 127/126 by runc's wording
 * ("executable file not found", lower-case errno texts). The message is brought to that wording.
 */
export function goErrnoSpelling(message: string): string {
  let out = message.replace(/executable file `([^`]*)` not found( in \$PATH)?/g, (_m, file: string, inPath: string | undefined) =>
    `exec: "${file}": executable file not found${inPath ?? ''}`);
  for (const [re, text] of ERRNO_TEXTS) out = out.replace(re, text);
  return out;
}
