// A push (POST /images/{name}/push): each layer's blob is checked with HEAD, mounted from another
// repository of the same registry known to hold it, or uploaded: a compressed local blob as it is
// (one PUT), an uncompressed one gzip-compressed on the way (PATCH stream, then PUT with the digest
// computed in passing). zlib's output is a function of its input, so a re-push finds the same digest,
// remembered by diff ID: nothing is compressed or sent again. Then the config and a schema2 manifest
// (OCI for zstd layers).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
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

interface PushedBlob {
  digest: string;
  size: number;
  mediaType: string;
}

interface MetadataFile {
  /** diff ID → the gzip blob berthd made of it */
  compressed: Record<string, { digest: string; size: number }>;
  /** blob digest → "registry/repository" names known to hold it (dockerd's v2 metadata) */
  repos: Record<string, string[]>;
}

/** What earlier pushes learnt: compressed digests of uncompressed layers and where blobs went. */
export class PushMetadata {
  private readonly data: MetadataFile;

  constructor(private readonly file: string) {
    let parsed: Partial<MetadataFile> = {};
    try { parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<MetadataFile>; } catch { /* first push */ }
    this.data = { compressed: parsed.compressed ?? {}, repos: parsed.repos ?? {} };
  }

  compressedOf(diffId: string): { digest: string; size: number } | undefined {
    return this.data.compressed[diffId];
  }

  reposOf(digest: string): string[] {
    return this.data.repos[digest] ?? [];
  }

  record(digest: string, repo: string, compressedFrom?: { diffId: string; size: number }): void {
    const list = this.data.repos[digest] ?? [];
    if (!list.includes(repo)) this.data.repos[digest] = [...list, repo].slice(-20);
    if (compressedFrom) this.data.compressed[compressedFrom.diffId] = { digest, size: compressedFrom.size };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeJsonAtomicSync(this.file, this.data);
  }
}

const GZIP_TYPES = new Set<string>([MEDIA_TYPES.dockerLayerGzip, MEDIA_TYPES.ociLayerGzip, MEDIA_TYPES.dockerForeignLayerGzip]);

export async function pushTag(store: ImageStore, repo: Repository, target: Reference, image: ImageRecord, meta: PushMetadata, options: PushOptions): Promise<{ digest: string; size: number }> {
  const out = options.onProgress ?? ((): void => undefined);
  const signal = options.signal;
  const layers = image.layers;
  const ids = layers.map((l) => shortId(l.diffId));
  // dockerd lists the top layer first
  const order = [...layers.keys()].reverse();
  const seen = new Set<string>();
  for (const i of order) if (!seen.has(ids[i]!)) { seen.add(ids[i]!); out(statusOf(ids[i]!, 'Preparing')); }

  // repositories of the same registry that hold this image (its RepoDigests) can lend blobs
  const imageRepos = image.repoDigests.map((r) => parseNormalizedNamed(r)).map((r) => r.name());
  const pushed = new Map<string, Promise<PushedBlob>>();
  const results: Array<Promise<PushedBlob>> = [];
  for (const i of order) {
    const layer = layers[i]!;
    let p = pushed.get(layer.diffId);
    if (!p) {
      if (options.uploads.saturated) out(statusOf(ids[i]!, 'Waiting'));
      p = options.uploads.run(() => pushLayer(store, repo, target, layer, ids[i]!, imageRepos, meta, signal, out));
      p.catch(() => undefined);
      pushed.set(layer.diffId, p);
    }
    results[i] = p;
  }
  const blobs = await Promise.all(results);

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
  // Go's json.MarshalIndent(m, "", "   "), as distribution's schema2 builder writes it
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  await repo.putManifest(target.tag ?? 'latest', manifest.mediaType, bytes, signal);
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length };
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
  store: ImageStore, repo: Repository, target: Reference, layer: ImageLayer, id: string, imageRepos: string[],
  meta: PushMetadata, signal: AbortSignal | undefined, out: ProgressSink,
): Promise<PushedBlob> {
  const stored = GZIP_TYPES.has(layer.mediaType) || layer.mediaType === MEDIA_TYPES.ociLayerZstd;
  const known = stored
    ? { digest: layer.blobDigest, size: layer.size, mediaType: layer.mediaType === MEDIA_TYPES.ociLayerGzip ? MEDIA_TYPES.dockerLayerGzip : layer.mediaType }
    : meta.compressedOf(layer.diffId) && { ...meta.compressedOf(layer.diffId)!, mediaType: MEDIA_TYPES.dockerLayerGzip };
  const here = target.name();
  if (known && (await repo.blobExists(known.digest, signal))) {
    out(statusOf(id, 'Layer already exists'));
    meta.record(known.digest, here);
    return known;
  }
  if (known) {
    const prefix = `${target.domain}/`;
    const sources = [...new Set([...meta.reposOf(known.digest), ...imageRepos])].filter((r) => r.startsWith(prefix) && r !== here);
    for (const source of sources) {
      const from = source.slice(prefix.length);
      const location = await repo.startUpload({ mount: { digest: known.digest, from }, ...(signal ? { signal } : {}) });
      if (!location) {
        out(statusOf(id, `Mounted from ${from}`));
        meta.record(known.digest, here);
        return known;
      }
    }
  }
  const location = await repo.startUpload({ ...(signal ? { signal } : {}) });
  if (!location) throw new Error('registry mounted a blob it was not asked to');
  const report = throttled(out, id, 'Pushing', layer.size);
  let sent = 0;
  const counted = (src: AsyncIterable<Buffer>): Readable => Readable.from((async function* () {
    for await (const c of src) { sent += c.length; report(sent); yield c; }
  })());
  if (stored) {
    await repo.finishUpload(location, layer.blobDigest, layer.size, () => counted(store.content.read(layer.blobDigest)), signal);
    report(layer.size, true);
    out(statusOf(id, 'Pushed'));
    meta.record(layer.blobDigest, here);
    return known!;
  }
  // gzip on the way: progress counts the uncompressed bytes read, as dockerd's does
  const hash = createHash('sha256');
  let size = 0;
  const gzipped = (): Readable => {
    const gzip = zlib.createGzip();
    const src = counted(store.content.read(layer.blobDigest));
    src.on('error', (err) => gzip.destroy(err));
    src.pipe(gzip);
    return Readable.from((async function* () {
      for await (const c of gzip as AsyncIterable<Buffer>) { hash.update(c); size += c.length; yield c; }
    })());
  };
  const next = await repo.patchUpload(location, gzipped, signal);
  const digest = `sha256:${hash.digest('hex')}`;
  await repo.finishUpload(next, digest, size, undefined, signal);
  report(layer.size, true);
  out(statusOf(id, 'Pushed'));
  meta.record(digest, here, { diffId: layer.diffId, size });
  return { digest, size, mediaType: MEDIA_TYPES.dockerLayerGzip };
}
