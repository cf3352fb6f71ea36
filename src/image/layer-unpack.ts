// Puts one layer in place: its blob in the content store, and its filesystem as a committed snapshot
// named by chain ID (prepare on the parent → Diff.Apply → commit), the way containerd's unpacker
// does. Both steps are skipped when already done, so images sharing layers share the work.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { InvalidParameterError } from '../errdefs/errors.js';
import { shortId } from '../internal/ids.js';
import type { ContentStore, Differ, Snapshotter } from '../runtime/runtime.js';
import { layerSize } from './layer-size.js';
import type { LayerPlan } from './load-plan.js';
import type { ImageLayer } from './types.js';

export interface LayerProgress {
  status: string;
  id: string;
  progressDetail: { current: number; total: number };
}

export interface UnpackDeps {
  content: ContentStore;
  snapshots: Snapshotter;
  differ: Differ;
}

const hexOf = (digest: string): string => digest.slice(digest.indexOf(':') + 1);

/** Writes a blob unless the content store has it already. */
export async function ensureBlob(content: ContentStore, digest: string, size: number, data: () => AsyncIterable<Buffer> | Buffer, labels?: Record<string, string>): Promise<void> {
  if (await content.info(digest)) return;
  // A unique ingest ref: two loads of the same blob must not fight over one ref's lock; the second
  // commit finds the blob present, which the content store treats as success.
  await content.write(`berth-load-${hexOf(digest)}-${randomBytes(4).toString('hex')}`, data(), {
    expectedDigest: digest,
    size,
    ...(labels ? { labels } : {}),
  });
}

export async function unpackLayer(
  deps: UnpackDeps,
  layer: LayerPlan,
  options: { signal?: AbortSignal; onProgress?: (p: LayerProgress) => void } = {},
): Promise<ImageLayer> {
  const { content } = deps;
  options.signal?.throwIfAborted();
  // containerd's convention: compressed blobs carry their diff ID, so it need not be recomputed.
  const labels = layer.blobDigest !== layer.diffId ? { 'containerd.io/uncompressed': layer.diffId } : undefined;
  await ensureBlob(content, layer.blobDigest, layer.blobSize, () => fs.createReadStream(layer.file.path, { highWaterMark: 1024 * 1024 }), labels);
  return unpackBlob(deps, layer, options);
}

/** A layer whose blob is already in the content store (e.g. written by Diff.Diff for a commit). */
export type BlobLayer = Omit<LayerPlan, 'file'>;

/** Makes the committed snapshot for a layer whose blob is in the content store; skipped when present. */
export async function unpackBlob(
  deps: UnpackDeps,
  layer: BlobLayer,
  options: { signal?: AbortSignal; onProgress?: (p: LayerProgress) => void } = {},
): Promise<ImageLayer> {
  const { snapshots } = deps;
  let diffSize = layer.diffSize;
  if (!(await snapshots.stat(layer.chainId))) {
    // Progress as dockerd reports it on `docker load`: only for layers it actually imports.
    const progress = (current: number): void =>
      options.onProgress?.({ status: 'Loading layer', id: shortId(layer.diffId), progressDetail: { current, total: layer.blobSize } });
    progress(0);
    // containerd counts the uncompressed bytes it applied: the tar size, known now even when the
    // caller only had the compressed blob (a pull)
    const applied = await applyLayer(deps, layer, options.signal);
    if (applied > 0) diffSize = applied;
    progress(layer.blobSize);
  }

  let unpackedSize: number | undefined;
  try {
    unpackedSize = await layerSize(snapshots, layer.chainId);
  } catch {
    unpackedSize = undefined; // size then falls back to the tar size
  }
  return {
    diffId: layer.diffId,
    chainId: layer.chainId,
    blobDigest: layer.blobDigest,
    mediaType: layer.mediaType,
    size: layer.blobSize,
    diffSize,
    ...(unpackedSize !== undefined ? { unpackedSize } : {}),
  };
}

/** Returns the uncompressed size containerd reports for the applied layer (0 when it does not say). */
async function applyLayer(deps: UnpackDeps, layer: BlobLayer, signal: AbortSignal | undefined): Promise<number> {
  const { snapshots, differ } = deps;
  // containerd's unpacker names its working snapshots "extract-<random>-<chainID>".
  const key = `extract-${randomBytes(6).toString('hex')}-${layer.chainId}`;
  const mounts = await snapshots.prepare(key, layer.parentChainId);
  try {
    signal?.throwIfAborted();
    const applied = await differ.apply({ mediaType: layer.mediaType, digest: layer.blobDigest, size: layer.blobSize }, mounts);
    if (applied.digest && applied.digest !== layer.diffId) {
      throw new InvalidParameterError(`wrong diff id calculated on extraction ${JSON.stringify(applied.digest)}`);
    }
    signal?.throwIfAborted();
    try {
      await snapshots.commit(layer.chainId, key);
    } catch (err) {
      // Another load committed the same layer meanwhile: theirs is as good as ours.
      if (!(await snapshots.stat(layer.chainId).catch(() => undefined))) throw err;
      await snapshots.remove(key).catch(() => undefined);
    }
    return Number(applied.size) || 0;
  } catch (err) {
    await snapshots.remove(key).catch(() => undefined);
    throw err;
  }
}
