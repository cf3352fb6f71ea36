// Splits the `/v{major}.{minor}` prefix off a path and checks it against the supported range,
// with dockerd's error texts.
import { InvalidParameterError } from '../../errdefs/index.js';
import { MAX_API_VERSION, MIN_API_VERSION, versionLt } from '../../internal/version.js';

const VERSIONED = /^\/v([0-9]+(?:\.[0-9]+)?)(\/.*)$/;

export interface VersionedPath {
  version: string;
  path: string;
  /** the version as the client gave it (undefined for unversioned paths) */
  requested?: string;
}

export function splitVersion(pathname: string): VersionedPath {
  const m = VERSIONED.exec(pathname);
  if (!m) return { version: MAX_API_VERSION, path: pathname };
  return { version: m[1]!, path: m[2]!, requested: m[1]! };
}

export function checkVersion(version: string, min = MIN_API_VERSION, max = MAX_API_VERSION): void {
  if (versionLt(version, min)) {
    throw new InvalidParameterError(
      `client version ${version} is too old. Minimum supported API version is ${min}, please upgrade your client to a newer version`,
    );
  }
  if (versionLt(max, version)) {
    throw new InvalidParameterError(`client version ${version} is too new. Maximum supported API version is ${max}`);
  }
}
