// Errors a registry answers (the distribution spec's {"errors":[{code,message,detail}]}) and their
// translation into the texts dockerd prints (moby distribution/errors.go).
import { BerthError, NotFoundError, SystemError, UnauthorizedError } from '../errdefs/errors.js';
import type { Reference } from '../image/reference.js';

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** One registry error as Go's errcode.Error prints it: "manifest unknown: manifest unknown". */
export class RegistryError extends Error {
  constructor(readonly status: number, readonly entries: RegistryErrorEntry[], fallback: string) {
    const first = entries[0];
    super(first ? `${first.code.toLowerCase().replace(/_/g, ' ')}: ${first.message}` : fallback);
  }

  get code(): string | undefined {
    return this.entries[0]?.code;
  }
}

export function parseRegistryErrors(status: number, statusText: string, body: string): RegistryError {
  let entries: RegistryErrorEntry[] = [];
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    entries = (parsed.errors ?? []).map((e) => ({ code: String(e.code ?? 'UNKNOWN'), message: String(e.message ?? '') }));
  } catch { /* not JSON */ }
  const text = body.trim().slice(0, 200);
  return new RegistryError(status, entries, `unexpected status code ${status} ${statusText}${text && entries.length === 0 && !text.startsWith('<') ? `: ${text}` : ''}`);
}

/** A failure that is not worth retrying on another endpoint (the registry answered). */
export class RegistryAnswerError extends BerthError {}

/** dockerd's translatePullError: what the CLI shows for a refused or unknown repository/tag. */
export function translatePullError(err: unknown, ref: Reference): Error {
  // dockerd answers a registry's refusal as an unknown error (500): a 401 would make the CLI ask
  // for credentials and retry instead of printing the message.
  if (err instanceof UnauthorizedError) return new SystemError(err.message, { cause: err });
  if (err instanceof BerthError) return err;
  if (err instanceof RegistryError) {
    switch (err.code) {
      case 'DENIED':
        return new NotFoundError(`pull access denied for ${ref.familiarName()}, repository does not exist or may require 'docker login': ${err.message}`, { cause: err });
      case 'MANIFEST_UNKNOWN':
        return new NotFoundError(`manifest for ${ref.familiarString()} not found: ${err.message}`, { cause: err });
      case 'NAME_UNKNOWN':
        return new NotFoundError(`repository ${ref.familiarName()} not found: ${err.message}`, { cause: err });
    }
    if (err.status === 404) return new NotFoundError(err.message, { cause: err });
  }
  return new SystemError((err as Error).message ?? String(err), { cause: err });
}
