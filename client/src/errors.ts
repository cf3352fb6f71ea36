// The client's error classes: one per status the Engine API answers with, chosen in one place
// (`errorFromResponse`) from the status code, carrying the server's message and the operation.

export interface DockerErrorDetails {
  status: number;
  /** The operationId of the call, e.g. `ContainerInspect`. */
  operation: string;
  method: string;
  path: string;
}

/** An error answer of the engine: `message` is the server's own (`No such container: x`). */
export class DockerError extends Error {
  readonly status: number;
  readonly operation: string;
  readonly method: string;
  readonly path: string;

  constructor(message: string, details: DockerErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.status = details.status;
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
  }
}

/** 304: the operation had nothing to do (start of a running container, stop of a stopped one). */
export class NotModifiedError extends DockerError {}
export class BadRequestError extends DockerError {}
export class UnauthorizedError extends DockerError {}
export class ForbiddenError extends DockerError {}
export class NotFoundError extends DockerError {}
export class NotAcceptableError extends DockerError {}
export class ConflictError extends DockerError {}
export class ServerError extends DockerError {}
export class NotImplementedError extends DockerError {}
export class ServiceUnavailableError extends DockerError {}

/** Not an HTTP answer: the connection failed, or a stream carried an error message. */
export class StreamError extends Error {
  constructor(message: string, readonly detail?: unknown) {
    super(message);
    this.name = 'StreamError';
  }
}

const byStatus: Record<number, new (message: string, details: DockerErrorDetails) => DockerError> = {
  304: NotModifiedError,
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  406: NotAcceptableError,
  409: ConflictError,
  500: ServerError,
  501: NotImplementedError,
  503: ServiceUnavailableError,
};

/** The engine's error body is `{"message": …}` (older engines and some routes answer plain text). */
export function errorMessage(body: string, status: number): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch { /* not JSON after all */ }
  }
  return text || `HTTP ${status}`;
}

export function errorFromResponse(body: string, details: DockerErrorDetails): DockerError {
  const Class = byStatus[details.status] ?? (details.status >= 500 ? ServerError : DockerError);
  return new Class(errorMessage(body, details.status), details);
}
