// Reads an extracted archive into load plans: which images it holds, their configs, their layers (with
// verified digests and diff IDs) and their names. Everything is validated here, before containerd is
// touched, so a malformed archive fails with a client error and leaves nothing half-loaded.
// Two formats are understood:
//   - `docker save`'s manifest.json: [{ Config, RepoTags, Layers }] (also written by docker ≥ 25
//     next to an OCI layout; preferred when present, as dockerd does);
//   - an OCI image layout: oci-layout, index.json, blobs/<alg>/<hex>.
import { createHash } from 'node:crypto';
import { InvalidParameterError } from '../errdefs/errors.js';
import type { ArchiveFile, ExtractedArchive } from './archive-extract.js';
import { chainIds } from './chain-id.js';
import { parseNormalizedNamed, validateDigest, type Reference } from './reference.js';
import { MEDIA_TYPES, type ImageConfigFile } from './types.js';

export interface LayerPlan {
  file: ArchiveFile;
  diffId: string;
  chainId: string;
  /** chain ID of the layer below, undefined for the base layer */
  parentChainId: string | undefined;
  /** descriptor of the blob written to the content store */
  mediaType: string;
  blobDigest: string;
  blobSize: number;
  /** uncompressed tar size */
  diffSize: number;
}

export interface ImagePlan {
  id: string;
  config: ImageConfigFile;
  configBytes: Buffer;
  configMediaType: string;
  layers: LayerPlan[];
  /** canonical tagged references, in archive order */
  refs: Reference[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The platform of this host, in OCI terms (GOARCH names). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function planLoad(archive: ExtractedArchive, options: { platform?: Platform } = {}): Promise<ImagePlan[]> {
  if (archive.has('manifest.json')) return planDockerArchive(archive);
  if (archive.has('index.json')) return planOciLayout(archive, options.platform ?? hostPlatform());
  throw new InvalidParameterError('open manifest.json: no such file or directory');
}

// ---- shared checks ----------------------------------------------------------------------------

/** Parses and checks an image config the way dockerd's image.NewFromJSON and load do. */
export function parseImageConfig(bytes: Buffer, where: string): ImageConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InvalidParameterError(`invalid image config ${where}: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new InvalidParameterError(`invalid image config ${where}: not a JSON object`);
  const rootfs = raw.rootfs;
  if (!isObject(rootfs)) throw new InvalidParameterError('invalid image JSON, no RootFS key');
  if (rootfs.type !== 'layers') throw new InvalidParameterError(`invalid image config ${where}: unsupported rootfs type ${JSON.stringify(rootfs.type)}`);
  const diffIds = rootfs.diff_ids ?? [];
  if (!Array.isArray(diffIds) || !diffIds.every((d): d is string => typeof d === 'string')) {
    throw new InvalidParameterError(`invalid image config ${where}: rootfs.diff_ids must be a list of digests`);
  }
  for (const d of diffIds) validateDigest(d);
  const config = { ...raw, rootfs: { type: 'layers', diff_ids: diffIds } } as ImageConfigFile;
  // dockerd accepts an empty OS and the host's; a Windows (or other) image cannot run here.
  if (typeof config.os === 'string' && config.os !== '' && config.os !== 'linux') {
    throw new InvalidParameterError(`cannot load ${config.os} image on linux`);
  }
  return config;
}

/** The diff ID (and uncompressed size) of a layer file, from the digests taken during extraction. */
function layerDiff(file: ArchiveFile): { diffId: string; diffSize: number } {
  switch (file.compression) {
    case 'none':
      return { diffId: file.digest, diffSize: file.size };
    case 'gzip': {
      const u = file.uncompressed;
      if (!u || 'error' in u) throw new InvalidParameterError(`layer ${file.name}: invalid gzip data: ${u && 'error' in u ? u.error : 'unknown error'}`);
      return { diffId: u.digest, diffSize: u.size };
    }
    default:
      // Node cannot decompress these, so the diff ID could not be verified.
      throw new InvalidParameterError(`layer ${file.name}: unsupported layer compression: ${file.compression}`);
  }
}

function checkLayerCount(config: ImageConfigFile, layers: number): void {
  const expected = config.rootfs.diff_ids.length;
  if (expected !== layers) {
    throw new InvalidParameterError(`invalid manifest, layers length mismatch: expected ${expected}, got ${layers}`);
  }
}

/** Builds layer plans for `files` (in order), checking each diff ID against the config. */
function planLayers(config: ImageConfigFile, files: ArchiveFile[], mediaTypeFor: (file: ArchiveFile, i: number) => string): LayerPlan[] {
  checkLayerCount(config, files.length);
  const chains = chainIds(config.rootfs.diff_ids);
  return files.map((file, i) => {
    const expected = config.rootfs.diff_ids[i] as string;
    const { diffId, diffSize } = layerDiff(file);
    if (diffId !== expected) {
      throw new InvalidParameterError(`invalid diffID for layer ${i}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(diffId)}`);
    }
    return {
      file,
      diffId,
      chainId: chains[i] as string,
      parentChainId: i === 0 ? undefined : chains[i - 1],
      mediaType: mediaTypeFor(file, i),
      blobDigest: file.digest,
      blobSize: file.size,
      diffSize,
    };
  });
}

/** Parses a name from an archive; it must be a name with a tag (dockerd: `invalid tag "…"`). */
function parseTaggedRef(s: string): Reference {
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(s);
  } catch {
    throw new InvalidParameterError(`invalid tag ${JSON.stringify(s)}`);
  }
  if (ref.tag === undefined || ref.digest !== undefined) throw new InvalidParameterError(`invalid tag ${JSON.stringify(s)}`);
  return ref;
}

// ---- docker save (manifest.json) --------------------------------------------------------------

interface DockerManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseDockerManifest(raw: unknown): DockerManifestEntry[] {
  if (!Array.isArray(raw)) throw new InvalidParameterError('invalid manifest.json: expected a list of images');
  return raw.map((e: unknown, i) => {
    const bad = (what: string): never => {
      throw new InvalidParameterError(`invalid manifest.json: image ${i}: ${what}`);
    };
    if (!isObject(e)) return bad('not an object');
    if (typeof e.Config !== 'string' || e.Config === '') return bad('missing Config');
    const tags = e.RepoTags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) return bad('RepoTags must be a list of strings');
    const layers = e.Layers ?? [];
    if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'string')) return bad('Layers must be a list of paths');
    return { Config: e.Config, RepoTags: tags as string[], Layers: layers as string[] };
  });
}

async function planDockerArchive(archive: ExtractedArchive): Promise<ImagePlan[]> {
  const manifest = parseDockerManifest(await archive.readJson('manifest.json'));
  const plans: ImagePlan[] = [];
  for (const entry of manifest) {
    const refs = entry.RepoTags.map(parseTaggedRef);
    const configBytes = await archive.readBytes(entry.Config);
    const config = parseImageConfig(configBytes, entry.Config);
    checkLayerCount(config, entry.Layers.length);
    const files = entry.Layers.map((l) => archive.file(l));
    const layers = planLayers(config, files, (file) =>
      file.compression === 'gzip' ? MEDIA_TYPES.dockerLayerGzip : MEDIA_TYPES.dockerLayer,
    );
    plans.push({ id: sha256(configBytes), config, configBytes, configMediaType: MEDIA_TYPES.dockerConfig, layers, refs });
  }
  return plans;
}

// ---- OCI image layout (index.json) ------------------------------------------------------------

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const MAX_INDEX_DEPTH = 4;

function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v) || typeof v.digest !== 'string') throw new InvalidParameterError(`invalid descriptor in ${where}`);
  validateDigest(v.digest);
  return v as unknown as Descriptor;
}

/** blobs/<alg>/<hex>, with the file's digest checked against the descriptor. */
function blobFile(archive: ExtractedArchive, digest: string): ArchiveFile {
  const [alg, hex] = digest.split(':') as [string, string];
  const name = `blobs/${alg}/${hex}`;
  const file = archive.file(name);
  if (alg === 'sha256' && file.digest !== digest) {
    throw new InvalidParameterError(`${name}: digest mismatch: content has ${file.digest}`);
  }
  return file;
}

async function readBlobJson(archive: ExtractedArchive, desc: Descriptor): Promise<{ bytes: Buffer; json: Record<string, unknown> }> {
  const file = blobFile(archive, desc.digest);
  const bytes = await archive.readBytes(file.name);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InvalidParameterError(`invalid JSON in ${file.name}: ${(err as Error).message}`);
  }
  if (!isObject(json)) throw new InvalidParameterError(`invalid JSON in ${file.name}: not an object`);
  return { bytes, json };
}

/**
 * Names from a descriptor's annotations. containerd and buildkit put the full name in
 * io.containerd.image.name and often only the tag in org.opencontainers.image.ref.name (the OCI spec
 * allows either), so ref.name counts only when it looks like a full reference.
 */
export function namesFromAnnotations(annotations: Record<string, string> | undefined): Reference[] {
  const full = annotations?.['io.containerd.image.name'];
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  const candidate = full ?? (refName !== undefined && /[:/]/.test(refName) ? refName : undefined);
  if (candidate === undefined) return [];
  try {
    const ref = parseNormalizedNamed(candidate);
    if (ref.digest !== undefined) return [];
    return [ref.withDefaultTag()];
  } catch {
    return []; // an unusable name leaves the image untagged rather than failing the load
  }
}

/** Picks the manifest for `platform` from an index, else the first real image (not an attestation). */
export function chooseManifest(manifests: Descriptor[], platform: Platform): Descriptor | undefined {
  const candidates = manifests.filter(
    (m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' && m.platform?.os !== 'unknown',
  );
  const matches = (m: Descriptor): boolean => m.platform?.os === platform.os && m.platform?.architecture === platform.architecture;
  const exact = candidates.filter(matches);
  return (
    exact.find((m) => platform.variant === undefined || m.platform?.variant === platform.variant) ??
    exact[0] ??
    candidates[0] ??
    manifests[0]
  );
}

/** Follows nested indexes down to one image manifest; undefined for non-image artifacts. */
async function resolveManifest(
  archive: ExtractedArchive,
  desc: Descriptor,
  platform: Platform,
  depth: number,
): Promise<{ desc: Descriptor; json: Record<string, unknown> } | undefined> {
  const { json } = await readBlobJson(archive, desc);
  const mediaType = desc.mediaType ?? (typeof json.mediaType === 'string' ? json.mediaType : undefined);
  const isIndex = mediaType !== undefined ? INDEX_TYPES.has(mediaType) : Array.isArray(json.manifests);
  const isManifest = mediaType !== undefined ? MANIFEST_TYPES.has(mediaType) : Array.isArray(json.layers);
  if (isIndex) {
    if (depth >= MAX_INDEX_DEPTH) throw new InvalidParameterError('invalid OCI layout: indexes nested too deeply');
    const children = (Array.isArray(json.manifests) ? json.manifests : []).map((m) => parseDescriptor(m, desc.digest));
    const chosen = chooseManifest(children, platform);
    return chosen && resolveManifest(archive, chosen, platform, depth + 1);
  }
  return isManifest ? { desc, json } : undefined;
}

const OCI_FAMILY = { none: MEDIA_TYPES.ociLayer, gzip: MEDIA_TYPES.ociLayerGzip } as const;
const DOCKER_FAMILY = { none: MEDIA_TYPES.dockerLayer, gzip: MEDIA_TYPES.dockerLayerGzip } as const;

/** Keeps the declared layer type when it agrees with the bytes, else the matching type of its family. */
function ociLayerMediaType(declared: string | undefined, file: ArchiveFile): string {
  const family = declared?.startsWith('application/vnd.docker.') ? DOCKER_FAMILY : OCI_FAMILY;
  const actual = file.compression === 'gzip' ? family.gzip : family.none;
  const declaredGzip = declared !== undefined && /gzip/.test(declared);
  if (declared !== undefined && declaredGzip === (file.compression === 'gzip') && /tar/.test(declared)) return declared;
  return actual;
}

async function planOciLayout(archive: ExtractedArchive, platform: Platform): Promise<ImagePlan[]> {
  const index = await archive.readJson('index.json');
  if (!isObject(index) || !Array.isArray(index.manifests)) {
    throw new InvalidParameterError('invalid index.json: no manifests');
  }
  const byId = new Map<string, ImagePlan>();
  for (const m of index.manifests) {
    const top = parseDescriptor(m, 'index.json');
    const resolved = await resolveManifest(archive, top, platform, 0);
    if (!resolved) continue;
    const manifest = resolved.json;
    const configDesc = parseDescriptor(manifest.config, resolved.desc.digest);
    const refs = [...namesFromAnnotations(top.annotations), ...(resolved.desc === top ? [] : namesFromAnnotations(resolved.desc.annotations))];
    const existing = byId.get(configDesc.digest);
    if (existing) {
      // The same image under another name (or another manifest of the same config).
      for (const r of refs) if (!existing.refs.some((e) => e.toString() === r.toString())) existing.refs.push(r);
      continue;
    }
    const configBytes = await archive.readBytes(blobFile(archive, configDesc.digest).name);
    const config = parseImageConfig(configBytes, configDesc.digest);
    const layerDescs = (Array.isArray(manifest.layers) ? manifest.layers : []).map((l) => parseDescriptor(l, resolved.desc.digest));
    checkLayerCount(config, layerDescs.length);
    const files = layerDescs.map((d) => blobFile(archive, d.digest));
    const layers = planLayers(config, files, (file, i) => ociLayerMediaType(layerDescs[i]?.mediaType, file));
    byId.set(configDesc.digest, {
      id: sha256(configBytes),
      config,
      configBytes,
      configMediaType: configDesc.mediaType ?? MEDIA_TYPES.ociConfig,
      layers,
      refs: dedupe(refs),
    });
  }
  if (byId.size === 0) throw new InvalidParameterError('invalid OCI layout: no image manifests in index.json');
  return [...byId.values()];
}

function dedupe(refs: Reference[]): Reference[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.toString()) ? false : (seen.add(r.toString()), true)));
}
