// API version helpers: the only place that compares "major.minor" strings.

export const MIN_API_VERSION = '1.12';
// The newest version berthd serves; unversioned paths are served at it (dockerd's DefaultVersion).
export const MAX_API_VERSION = '1.55';

function parts(v: string): [number, number] {
  const [a, b] = v.split('.');
  return [Number(a) || 0, Number(b) || 0];
}

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = parts(a);
  const [b1, b2] = parts(b);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

export const versionLt = (a: string, b: string): boolean => compareVersions(a, b) < 0;
export const versionGte = (a: string, b: string): boolean => compareVersions(a, b) >= 0;
