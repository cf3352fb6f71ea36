// A pull (POST /images/create?fromImage=): manifest (a list resolved to one platform) → config →
// layer blobs streamed into containerd's content store, up to N at once, each checked against its
// digest and size → layers unpacked in order through src/image's unpacker → image record, tag and
// RepoDigest. Nothing names the image before every layer is in place, so an interrupted pull leaves
// no half image; the layers it committed are removed again unless another image uses them.
import { createHash, randomBytes } from 'node:crypto';
import { InvalidParameterError, NotFoundError } from '../errdefs/errors.js';
import { chainIds } from '../image/chain-id.js';
import { StreamDigester } from '../image/compression.js';
import { removeSnapshot } from '../image/image-delete.js';
import type { ImageStore } from '../image/image-store.js';
import { ensureBlob, unpackBlob } from '../image/layer-unpack.js';
import { hostPlatform, parseImageConfig } from '../image/load-plan.js';
import type { Reference } from '../image/reference.js';
import { MEDIA_TYPES, type ImageConfigFile, type ImageLayer, type ImageRecord } from '../image/types.js';
import { shortId } from '../internal/ids.js';
import type { Limiter } from './limiter.js';
import { parseManifest, platformText, selectPlatform, type Descriptor, type ImageManifest, type WantedPlatform } from './manifest.js';
import { progressOf, statusOf, throttled, type ProgressSink } from './progress.js';
import { readBody } from './http-transport.js';
import type { Repository } from './repository.js';

export interface PullOptions {
  platform?: WantedPlatform;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  downloads: Limiter;
}

export interface PullResult {
  image: ImageRecord;
  /** digest of what the tag named (the list's digest for a multi-platform image) */
  manifestDigest: string;
  /** false when the reference already named this image ("Image is up to date") */
  updated: boolean;
}

const LAYER_TYPES = new Set<string>([
  MEDIA_TYPES.dockerLayerGzip, MEDIA_TYPES.dockerLayer, MEDIA_TYPES.dockerForeignLayerGzip,
  MEDIA_TYPES.ociLayer, MEDIA_TYPES.ociLayerGzip, MEDIA_TYPES.ociLayerZstd,
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'application/vnd.oci.image.layer.nondistributable.v1.tar',
]);

async function fetchVerified(repo: Repository, desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  const res = await repo.getBlob(desc.digest, signal);
  const bytes = await readBody(res, 64 * 1024 * 1024);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== desc.digest) throw new InvalidParameterError(`image config verification failed for digest ${desc.digest}`);
  return bytes;
}

/** The manifest a reference names, resolved through a list to one platform. */
export async function resolveManifest(repo: Repository, ref: Reference, wanted: WantedPlatform | undefined, signal?: AbortSignal): Promise<{ manifest: ImageManifest; digest: string; mediaType: string; size: number }> {
  const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
  const top = await repo.getManifest(tagOrDigest, signal);
  if (ref.digest && top.digest !== ref.digest) throw new InvalidParameterError(`manifest verification failed for digest ${ref.digest}`);
  const parsed = parseManifest(top.bytes, top.mediaType);
  if (parsed.kind === 'manifest') return { manifest: parsed.manifest, digest: top.digest, mediaType: top.mediaType, size: top.bytes.length };
  const desc = selectPlatform(parsed.index, wanted ?? hostPlatform(), ref.familiarString());
  const inner = await repo.getManifest(desc.digest, signal);
  if (inner.digest !== desc.digest) throw new InvalidParameterError(`manifest verification failed for digest ${desc.digest}`);
  const chosen = parseManifest(inner.bytes, inner.mediaType);
  if (chosen.kind !== 'manifest') throw new InvalidParameterError('manifest list entry is itself a list');
  return { manifest: chosen.manifest, digest: top.digest, mediaType: top.mediaType, size: top.bytes.length };
}

interface LayerJob {
  desc: Descriptor;
  id: string;
  diffId: string;
  chainId: string;
  parentChainId: string | undefined;
  present: boolean;
  /** uncompressed size, once known */
  diffSize?: number;
  download?: Promise<void>;
  /** the same layer as another local image holds it */
  local?: ImageLayer;
  measure: boolean;
}

export async function pullImage(store: ImageStore, repo: Repository, ref: Reference, options: PullOptions): Promise<PullResult> {
  const out = options.onProgress ?? ((): void => undefined);
  const signal = options.signal;
  const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
  const { manifest, digest: manifestDigest } = await resolveManifest(repo, ref, options.platform, signal);
  out({ status: `Pulling from ${ref.path}`, id: tagOrDigest });

  const configBytes = await fetchVerified(repo, manifest.config, signal);
  const config: ImageConfigFile = parseImageConfig(configBytes, manifest.config.digest);
  const imageId = manifest.config.digest;
  if (options.platform) {
    const want = options.platform;
    const os = config.os ?? '', arch = config.architecture ?? '';
    if (os !== want.os || arch !== want.architecture || (want.variant && config.variant && config.variant !== want.variant)) {
      throw new NotFoundError(`image with reference ${ref.familiarString()} was found but does not match the specified platform: wanted ${platformText(want)}, actual: ${platformText({ os, architecture: arch, variant: config.variant })}`);
    }
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) throw new InvalidParameterError('invalid manifest: number of layers does not match the image config');
  for (const l of manifest.layers) {
    if (l.mediaType && !LAYER_TYPES.has(l.mediaType)) throw new InvalidParameterError(`unsupported layer media type ${l.mediaType}`);
  }
  const chains = chainIds(diffIds);
  const knownDiffSizes = new Map(store.list().flatMap((i) => i.layers.map((l) => [l.diffId, l.diffSize] as const)));
  // a layer another image already has (as dockerd's layer store): its record, blob and snapshot serve
  const localLayers = new Map(store.list().flatMap((i) => i.layers.map((l) => [l.chainId, l] as const)));

  const jobs: LayerJob[] = [];
  for (const [i, desc] of manifest.layers.entries()) {
    const chainId = chains[i]!;
    const snapshot = Boolean(await store.snapshots.stat(chainId).catch(() => undefined));
    const local = snapshot ? localLayers.get(chainId) : undefined;
    const present = snapshot && (local !== undefined || Boolean(await store.content.info(desc.digest)));
    const known = knownDiffSizes.get(diffIds[i]!);
    jobs.push({
      desc, id: shortId(desc.digest), diffId: diffIds[i]!, chainId, parentChainId: chains[i - 1], present,
      ...(known !== undefined ? { diffSize: known } : {}), ...(local ? { local } : {}),
      // containerd reports the uncompressed size when it applies a layer; a layer whose snapshot is
      // already there (and no image says its size) is measured while it downloads instead
      measure: snapshot && !local && known === undefined,
    });
  }
  const shown = new Set<string>();
  for (const j of jobs) {
    if (shown.has(j.id)) continue;
    shown.add(j.id);
    out(statusOf(j.id, j.present ? 'Already exists' : 'Pulling fs layer'));
  }

  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const committedChains: string[] = [];
  const writtenBlobs: string[] = [];
  const byDigest = new Map<string, Promise<void>>();
  try {
    for (const j of jobs) {
      if (j.present) continue;
      let started = byDigest.get(j.desc.digest);
      if (!started) {
        if (options.downloads.saturated) out(statusOf(j.id, 'Waiting'));
        started = options.downloads.run(() => downloadLayer(store, repo, j, abort.signal, out, writtenBlobs));
        started.catch(() => abort.abort());
        byDigest.set(j.desc.digest, started);
      }
      j.download = started;
    }
    const layers: ImageLayer[] = [];
    for (const j of jobs) {
      if (j.download) await j.download;
      abort.signal.throwIfAborted();
      if (j.local) { layers.push(j.local); continue; }
      const existed = Boolean(await store.snapshots.stat(j.chainId).catch(() => undefined));
      if (!j.present && !existed) out({ status: 'Extracting', progressDetail: { current: 0, total: j.desc.size }, id: j.id });
      const layer = await unpackBlob(store, {
        diffId: j.diffId, chainId: j.chainId, parentChainId: j.parentChainId, mediaType: j.desc.mediaType || MEDIA_TYPES.dockerLayerGzip,
        blobDigest: j.desc.digest, blobSize: j.desc.size, diffSize: j.diffSize ?? j.desc.size,
      }, { signal: abort.signal });
      if (!existed) {
        committedChains.push(j.chainId);
        out(progressOf(j.id, 'Extracting', j.desc.size, j.desc.size));
      }
      if (!j.present) out(statusOf(j.id, 'Pull complete'));
      layers.push(layer);
    }
    abort.signal.throwIfAborted();
    // the config last: its presence then implies the layers are in place
    await ensureBlob(store.content, imageId, configBytes.length, () => configBytes);
    const before = ref.tag !== undefined ? store.lookupRef(ref.toString()) : undefined;
    const image = store.put({ id: imageId, config, configMediaType: manifest.config.mediaType || MEDIA_TYPES.dockerConfig, configSize: configBytes.length, layers });
    if (ref.tag !== undefined && ref.digest === undefined) store.tag(imageId, ref.toString(), { updateLastTagTime: false });
    store.addRepoDigest(imageId, `${ref.name()}@${manifestDigest}`);
    out({ status: `Digest: ${manifestDigest}` });
    const updated = ref.digest !== undefined ? committedChains.length > 0 || writtenBlobs.length > 0 : before !== imageId;
    return { image: store.get(imageId) ?? image, manifestDigest, updated };
  } catch (err) {
    abort.abort();
    await Promise.allSettled([...byDigest.values()]);
    await cleanup(store, committedChains, writtenBlobs);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Layers and blobs this pull added that no image uses go again (an interrupted pull leaves nothing). */
async function cleanup(store: ImageStore, chains: string[], blobs: string[]): Promise<void> {
  const used = new Set(store.list().flatMap((i) => i.layers.map((l) => l.chainId)));
  for (const chain of [...chains].reverse()) if (!used.has(chain)) await removeSnapshot(store, chain);
  for (const digest of blobs) await store.releaseBlob(digest).catch(() => undefined);
}

async function downloadLayer(store: ImageStore, repo: Repository, job: LayerJob, signal: AbortSignal, out: ProgressSink, written: string[]): Promise<void> {
  const { desc } = job;
  if (await store.content.info(desc.digest)) {
    out(statusOf(job.id, 'Download complete'));
    return;
  }
  const res = await repo.getBlob(desc.digest, signal);
  const total = desc.size;
  const report = throttled(out, job.id, 'Downloading', total);
  const digester = new StreamDigester();
  const hash = createHash('sha256');
  let received = 0;
  async function* verified(): AsyncGenerator<Buffer> {
    // sockets deliver 64 KiB at most: gathered into 1 MiB, containerd gets 16× fewer messages
    let batch: Buffer[] = [];
    let batched = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > total) throw new InvalidParameterError(`filesystem layer verification failed for digest ${desc.digest}: more bytes than the ${total} announced`);
      hash.update(chunk);
      if (job.measure) await digester.update(chunk);
      report(received);
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= 1024 * 1024) {
        yield Buffer.concat(batch, batched);
        batch = [];
        batched = 0;
      }
    }
    if (batched > 0) yield Buffer.concat(batch, batched);
    report(received, true);
    out(statusOf(job.id, 'Verifying Checksum'));
    const got = `sha256:${hash.digest('hex')}`;
    if (got !== desc.digest || received !== total) throw new InvalidParameterError(`filesystem layer verification failed for digest ${desc.digest}`);
    if (!job.measure) return;
    const d = await digester.finish();
    if (d.uncompressed && 'size' in d.uncompressed) {
      if (d.uncompressed.digest !== job.diffId) throw new InvalidParameterError(`layer ${desc.digest} does not match its diff ID ${job.diffId}`);
      job.diffSize = d.uncompressed.size;
    } else if (d.compression === 'none') {
      job.diffSize = d.size;
    }
  }
  const labels = desc.digest !== job.diffId ? { 'containerd.io/uncompressed': job.diffId } : undefined;
  try {
    await store.content.write(`berth-pull-${desc.digest.slice(7)}-${randomBytes(4).toString('hex')}`, verified(), {
      expectedDigest: desc.digest, size: total, ...(labels ? { labels } : {}),
    });
  } catch (err) {
    res.body.destroy();
    throw err;
  }
  written.push(desc.digest);
  out(statusOf(job.id, 'Download complete'));
}
