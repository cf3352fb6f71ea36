// A push (POST /images/{name}/push): each layer's blob — compressed with gzip when the local blob is
// an uncompressed tar, deterministically, and remembered by diff ID so a re-push compresses nothing —
// is checked with HEAD, mounted from another repository of the same registry that has it, or
// uploaded monolithically; then the config and a schema2 manifest (OCI for zstd layers).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { writeJsonAtomicSync } from '../internal/atomic-write.js';
import type { ImageStore } from '../image/image-store.js';
import { parseNormalizedNamed, type Reference } from '../image/reference.js';
import { MEDIA_TYPES, type ImageLayer, type ImageRecord } from '../image/types.js';
import { shortId } from '../internal/ids.js';
import type { Limiter } from './limiter.js';
import { statusOf, throttled, type ProgressSink } from './progress.js';
import type { Repository } from './repository.js';

export interface PushOptions {
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  uploads: Limiter;
}

interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  /** opens the blob's bytes */
  open: () => Readable;
  cleanup?: () => void;
}

interface CompressedEntry { digest: string; size: number }

/** diff ID → gzip blob digest of layers berthd compressed for a push (dockerd's v2 metadata). */
export class CompressedLayers {
  private readonly entries: Record<string, CompressedEntry>;

  constructor(private readonly file: string) {
    try { this.entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CompressedEntry>; } catch { this.entries = {}; }
  }

  get(diffId: string): CompressedEntry | undefined {
    return this.entries[diffId];
  }

  set(diffId: string, entry: CompressedEntry): void {
    this.entries[diffId] = entry;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeJsonAtomicSync(this.file, this.entries);
  }
}

const GZIP_TYPES = new Set<string>([MEDIA_TYPES.dockerLayerGzip, MEDIA_TYPES.ociLayerGzip, MEDIA_TYPES.dockerForeignLayerGzip]);

/** The repositories of `registry` that already hold this image (RepoDigests), for mounts. */
function mountSources(image: ImageRecord, target: Reference): string[] {
  return image.repoDigests.map((r) => parseNormalizedNamed(r)).filter((r) => r.domain === target.domain && r.path !== target.path).map((r) => r.path);
}

export async function pushTag(store: ImageStore, repo: Repository, target: Reference, image: ImageRecord, deps: { compressed: CompressedLayers; tmpDir: string }, options: PushOptions): Promise<{ digest: string; size: number }> {
  const out = options.onProgress ?? ((): void => undefined);
  const signal = options.signal;
  const layers = image.layers;
  const ids = layers.map((l) => shortId(l.diffId));
  const sources = mountSources(image, target);
  // dockerd lists the top layer first
  const order = [...layers.keys()].reverse();
  const seen = new Set<string>();
  for (const i of order) if (!seen.has(ids[i]!)) { seen.add(ids[i]!); out(statusOf(ids[i]!, 'Preparing')); }

  const pushed = new Map<string, Promise<Blob>>();
  const results: Array<Promise<Blob>> = [];
  for (const i of order) {
    const layer = layers[i]!;
    let p = pushed.get(layer.diffId);
    if (!p) {
      if (options.uploads.saturated) out(statusOf(ids[i]!, 'Waiting'));
      p = options.uploads.run(() => pushLayer(store, repo, layer, ids[i]!, sources, deps, signal, out));
      p.catch(() => undefined);
      pushed.set(layer.diffId, p);
    }
    results[i] = p;
  }
  const blobs = await Promise.all(results);

  // the config: a small blob, pushed unless present
  const configBytes = await readAll(store.content.read(image.id));
  if (!(await repo.blobExists(image.id, signal))) {
    const location = await repo.startUpload({ ...(signal ? { signal } : {}) });
    if (location) await repo.finishUpload(location, image.id, configBytes.length, () => Readable.from([configBytes]), signal);
  }
  const oci = blobs.some((b) => b.mediaType === MEDIA_TYPES.ociLayerZstd);
  const manifest = {
    schemaVersion: 2,
    mediaType: oci ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
    config: { mediaType: oci ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig, size: configBytes.length, digest: image.id },
    layers: blobs.map((b) => ({ mediaType: oci ? toOci(b.mediaType) : b.mediaType, size: b.size, digest: b.digest })),
  };
  // Go's json.MarshalIndent(m, "", "   ") as distribution's schema2 builder writes it
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const tag = target.tag ?? 'latest';
  await repo.putManifest(tag, manifest.mediaType, bytes, signal);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return { digest, size: bytes.length };
}

function toOci(mediaType: string): string {
  if (mediaType === MEDIA_TYPES.dockerLayerGzip) return MEDIA_TYPES.ociLayerGzip;
  if (mediaType === MEDIA_TYPES.dockerLayer) return MEDIA_TYPES.ociLayer;
  return mediaType;
}

async function readAll(src: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of src) chunks.push(c);
  return Buffer.concat(chunks);
}

async function pushLayer(
  store: ImageStore, repo: Repository, layer: ImageLayer, id: string, sources: string[],
  deps: { compressed: CompressedLayers; tmpDir: string }, signal: AbortSignal | undefined, out: ProgressSink,
): Promise<Blob> {
  const compressedKnown = !GZIP_TYPES.has(layer.mediaType) && layer.mediaType !== MEDIA_TYPES.ociLayerZstd ? deps.compressed.get(layer.diffId) : undefined;
  const candidate = compressedKnown
    ? { digest: compressedKnown.digest, size: compressedKnown.size, mediaType: MEDIA_TYPES.dockerLayerGzip }
    : GZIP_TYPES.has(layer.mediaType) || layer.mediaType === MEDIA_TYPES.ociLayerZstd
      ? { digest: layer.blobDigest, size: layer.size, mediaType: layer.mediaType === MEDIA_TYPES.ociLayerGzip ? MEDIA_TYPES.dockerLayerGzip : layer.mediaType }
      : undefined;
  if (candidate && (await repo.blobExists(candidate.digest, signal))) {
    out(statusOf(id, 'Layer already exists'));
    return { ...candidate, open: () => Readable.from([]) };
  }
  if (candidate) {
    for (const from of sources) {
      const location = await repo.startUpload({ mount: { digest: candidate.digest, from }, ...(signal ? { signal } : {}) });
      if (!location) {
        out(statusOf(id, `Mounted from ${from}`));
        return { ...candidate, open: () => Readable.from([]) };
      }
    }
  }
  const blob = candidate && !compressedKnown
    ? { ...candidate, open: () => Readable.from(store.content.read(layer.blobDigest)) }
    : await compressLayer(store, layer, deps, signal);
  try {
    const location = await repo.startUpload({ ...(signal ? { signal } : {}) });
    const report = throttled(out, id, 'Pushing', blob.size);
    let sent = 0;
    report(0, true);
    const open = (): Readable => {
      const src = blob.open();
      src.on('data', (c: Buffer) => { sent += c.length; report(sent); });
      return src;
    };
    if (location) await repo.finishUpload(location, blob.digest, blob.size, open, signal);
    report(blob.size, true);
    out(statusOf(id, 'Pushed'));
    return blob;
  } finally {
    blob.cleanup?.();
  }
}

/** gzip of the uncompressed layer into a temp file (zlib's output is a function of its input). */
async function compressLayer(store: ImageStore, layer: ImageLayer, deps: { compressed: CompressedLayers; tmpDir: string }, signal: AbortSignal | undefined): Promise<Blob> {
  fs.mkdirSync(deps.tmpDir, { recursive: true, mode: 0o700 });
  const file = path.join(deps.tmpDir, `push-${randomBytes(6).toString('hex')}.tar.gz`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      Readable.from(store.content.read(layer.blobDigest)),
      zlib.createGzip(),
      async function* (src: AsyncIterable<Buffer>) {
        for await (const c of src) { hash.update(c); size += c.length; yield c; }
      },
      fs.createWriteStream(file),
      ...(signal ? [{ signal }] as const : []),
    );
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
  const digest = `sha256:${hash.digest('hex')}`;
  deps.compressed.set(layer.diffId, { digest, size });
  return {
    digest, size, mediaType: MEDIA_TYPES.dockerLayerGzip,
    open: () => fs.createReadStream(file, { highWaterMark: 1024 * 1024 }),
    cleanup: () => fs.rmSync(file, { force: true }),
  };
}
