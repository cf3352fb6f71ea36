// Docker image references, parsed and normalized the way dockerd's distribution/reference package
// does it, so that names typed by users, names stored in archives and names in API paths all meet in
// one canonical form ("docker.io/library/busybox:latest") and come back out in the familiar one
// ("busybox:latest"). Written here rather than taken as a dependency: the grammar is small and the
// error messages must be dockerd's word for word, since clients and tests compare them.
import { InvalidParameterError } from '../errdefs/errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar, from distribution/reference/regexp.go.
const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;

const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredNameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(${pathComponent}(?:/${pathComponent})*)$`);
const anchoredTagRegexp = new RegExp(`^${tagPattern}$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
const sha256DigestRegexp = /^sha256:[a-f0-9]{64}$/;

/** A parsed, normalized reference: `domain/path[:tag][@digest]`. */
export class Reference {
  constructor(
    readonly domain: string,
    readonly path: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** Repository name without tag or digest: "docker.io/library/busybox". */
  name(): string {
    return this.domain ? `${this.domain}/${this.path}` : this.path;
  }

  /** Canonical string: "docker.io/library/busybox:latest". */
  toString(): string {
    return this.name() + (this.tag !== undefined ? `:${this.tag}` : '') + (this.digest !== undefined ? `@${this.digest}` : '');
  }

  /** Short name for display: "busybox", "user/repo", "localhost:5000/x". */
  familiarName(): string {
    if (this.domain !== DEFAULT_DOMAIN) return this.name();
    // Official images live under "library/"; only a single component after it is shortened,
    // exactly as distribution/reference's familiarizeName does.
    if (this.path.startsWith(OFFICIAL_REPO_PREFIX)) {
      const rest = this.path.slice(OFFICIAL_REPO_PREFIX.length);
      if (!rest.includes('/')) return rest;
    }
    return this.path;
  }

  /** Display form with tag and digest: "busybox:latest", "localhost:5000/x:tag". */
  familiarString(): string {
    return this.familiarName() + (this.tag !== undefined ? `:${this.tag}` : '') + (this.digest !== undefined ? `@${this.digest}` : '');
  }

  withTag(tag: string): Reference {
    if (!anchoredTagRegexp.test(tag)) throw new InvalidParameterError('invalid tag format');
    return new Reference(this.domain, this.path, tag, this.digest);
  }

  withoutTag(): Reference {
    return new Reference(this.domain, this.path, undefined, this.digest);
  }

  /** dockerd's TagNameOnly: adds ":latest" when the reference has neither tag nor digest. */
  withDefaultTag(): Reference {
    return this.tag === undefined && this.digest === undefined ? this.withTag(DEFAULT_TAG) : this;
  }
}

/** distribution/reference.Parse: parses a reference as written, with no normalization. */
export function parseReference(s: string): Reference {
  const m = referenceRegexp.exec(s);
  if (!m) {
    if (s === '') throw new InvalidParameterError('repository name must have at least one component');
    if (referenceRegexp.test(s.toLowerCase())) {
      throw new InvalidParameterError('invalid reference format: repository name must be lowercase');
    }
    throw new InvalidParameterError('invalid reference format');
  }
  const [, name, tag, digest] = m as unknown as [string, string, string | undefined, string | undefined];
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidParameterError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const nm = anchoredNameRegexp.exec(name);
  if (!nm) throw new InvalidParameterError('invalid reference format');
  if (digest !== undefined) validateDigest(digest);
  return new Reference(nm[1] ?? '', nm[2] as string, tag, digest);
}

/** Splits off the registry the way dockerd decides what a first path component is. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  // A first component is a registry only if it looks like a host: has a dot or a port, is
  // "localhost", or has uppercase letters (which a repository path cannot have).
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * distribution/reference.ParseNormalizedNamed: "busybox" → docker.io/library/busybox (no tag is
 * added; see `parseDockerRef`). Throws InvalidParameterError with dockerd's messages.
 */
export function parseNormalizedNamed(s: string): Reference {
  if (anchoredIdentifierRegexp.test(s)) {
    throw new InvalidParameterError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidParameterError('invalid reference format: repository name must be lowercase');
  }
  return parseReference(`${domain}/${remainder}`);
}

/**
 * Normalized reference with the default tag filled in, as used for tag lookups and storage:
 * "busybox" → docker.io/library/busybox:latest. A reference with a digest keeps no default tag.
 */
export function parseDockerRef(s: string): Reference {
  return parseNormalizedNamed(s).withDefaultTag();
}

/** Canonical string of `s` with the default tag: "busybox" → "docker.io/library/busybox:latest". */
export function normalizeReference(s: string): string {
  return parseDockerRef(s).toString();
}

/** Display form of a reference string, canonical or not: "docker.io/library/busybox:latest" → "busybox:latest". */
export function familiarString(ref: string | Reference): string {
  return (typeof ref === 'string' ? parseNormalizedNamed(ref) : ref).familiarString();
}

/** Validates "algorithm:hex"; only sha256 is accepted for content, as dockerd (go-digest) does. */
export function validateDigest(digest: string): void {
  const i = digest.indexOf(':');
  if (i < 1) throw new InvalidParameterError('invalid checksum digest format');
  const alg = digest.slice(0, i);
  if (alg !== 'sha256' && alg !== 'sha384' && alg !== 'sha512') {
    throw new InvalidParameterError('unsupported digest algorithm');
  }
  const hexLen = { sha256: 64, sha384: 96, sha512: 128 }[alg];
  const hex = digest.slice(i + 1);
  if (hex.length !== hexLen || !/^[a-f0-9]+$/.test(hex)) throw new InvalidParameterError('invalid checksum digest length');
}

/** True for a full image ID / sha256 digest: "sha256:<64 hex>". */
export function isSha256Digest(s: string): boolean {
  return sha256DigestRegexp.test(s);
}

/** True for 64 hex characters without algorithm (a bare image ID). */
export function isFullHexId(s: string): boolean {
  return anchoredIdentifierRegexp.test(s);
}
