// Volume names of the local driver: they become directory names under <data-root>/volumes, so they
// must not escape it. dockerd's RestrictedNamePattern and messages (volume/local/local.go).
import { InvalidParameterError } from '../errdefs/index.js';
import { generateId } from '../internal/ids.js';

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateVolumeName(name: string): void {
  if (name.length === 1) {
    throw new InvalidParameterError('volume name is too short, names should be at least two alphanumeric characters');
  }
  if (!VALID.test(name)) {
    throw new InvalidParameterError(`${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

/** Anonymous volumes get 64 hex characters, like container IDs. */
export const anonymousVolumeName = generateId;

export const isAnonymousName = (name: string): boolean => /^[0-9a-f]{64}$/.test(name);
