// Image manifests and indexes as registries serve them (Docker schema2, OCI), and the choice of one
// platform's manifest from a list (dockerd: the host's platform unless the client names one).
import { InvalidParameterError, NotFoundError } from '../errdefs/errors.js';
import { MEDIA_TYPES } from '../image/types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: PlatformSpec;
  urls?: string[];
  annotations?: Record<string, string>;
}

export interface PlatformSpec {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export type ParsedManifest = { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

const LIST_TYPES = new Set<string>([MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);

const isDescriptor = (d: unknown): d is Descriptor =>
  typeof d === 'object' && d !== null && typeof (d as Descriptor).digest === 'string' && typeof (d as Descriptor).size === 'number';

export function parseManifest(bytes: Buffer, mediaType: string): ParsedManifest {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InvalidParameterError(`invalid manifest: ${(err as Error).message}`);
  }
  const type = typeof raw.mediaType === 'string' && raw.mediaType ? raw.mediaType : mediaType;
  if (raw.schemaVersion === 1 || /prettyjws|distribution\.manifest\.v1\+json/.test(type)) {
    throw new InvalidParameterError('[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of the image to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2.');
  }
  if (LIST_TYPES.has(type) || (Array.isArray(raw.manifests) && !MANIFEST_TYPES.has(type))) {
    if (!Array.isArray(raw.manifests) || !raw.manifests.every(isDescriptor)) throw new InvalidParameterError('invalid manifest list');
    return { kind: 'index', index: raw as unknown as ImageIndex };
  }
  if (!isDescriptor(raw.config) || !Array.isArray(raw.layers) || !raw.layers.every(isDescriptor)) {
    throw new InvalidParameterError(`unsupported manifest media type and no default available: ${type}`);
  }
  return { kind: 'manifest', manifest: raw as unknown as ImageManifest };
}

export interface WantedPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** "linux/arm64/v8" → platform (containerd's platforms.Parse, for the forms clients send). */
export function parsePlatform(text: string): WantedPlatform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new InvalidParameterError(`"${text}": unknown operating system or architecture: invalid argument`);
  }
  const archAliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };
  const architecture = archAliases[parts[1]!] ?? parts[1]!;
  const p: WantedPlatform = { os: parts[0]!, architecture };
  if (parts[2]) p.variant = parts[2];
  return p;
}

export function platformText(p: { os?: string; architecture?: string; variant?: string | undefined }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function matches(spec: PlatformSpec | undefined, want: WantedPlatform): boolean {
  if (!spec) return false;
  if (spec.os !== want.os || spec.architecture !== want.architecture) return false;
  if (!want.variant) return true;
  // arm64's v8 is its default variant
  const variant = spec.variant ?? (spec.architecture === 'arm64' ? 'v8' : '');
  return variant === want.variant;
}

/** The manifest for `want` from an index; attestation manifests (unknown/unknown) never match. */
export function selectPlatform(index: ImageIndex, want: WantedPlatform, name: string): Descriptor {
  const candidates = index.manifests.filter((d) => matches(d.platform, want) && MANIFEST_TYPES.has(d.mediaType || MEDIA_TYPES.dockerManifest));
  // without a requested variant, prefer an entry without one, then the first listed
  const best = candidates.find((d) => !want.variant && !d.platform?.variant) ?? candidates[0];
  if (!best) throw new NotFoundError(`no matching manifest for ${platformText(want)} in the manifest list entries`);
  void name;
  return best;
}
