// `docker load` (POST /images/load): archive → temp dir → plans → layers into content + snapshots →
// config blob → image record → tags. Images are loaded one after another, each completely, so a
// failure in a later image leaves earlier ones loaded (as in dockerd).
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameterError } from '../errdefs/index.js';
import { extractArchive } from './archive-extract.js';
import type { ImageStore } from './image-store.js';
import { ensureBlob, unpackLayer } from './layer-unpack.js';
import { planLoad, type ImagePlan, type Platform } from './load-plan.js';
import type { ImageLayer } from './types.js';

/** One JSON message of the load response stream, as dockerd writes them. */
export interface LoadProgressMessage {
  stream?: string;
  status?: string;
  id?: string;
  progressDetail?: { current: number; total: number };
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (msg: LoadProgressMessage) => void;
  /** `quiet=1`: no per-layer progress, only the "Loaded image" lines (dockerd's behaviour). */
  quiet?: boolean;
  /** platform to pick from multi-platform OCI indexes; defaults to the host's */
  platform?: Platform;
}

export interface LoadResult {
  /** one entry per image, with its canonical references ("docker.io/library/busybox:latest") */
  loaded: Array<{ id: string; refs: string[] }>;
}

export async function loadArchive(store: ImageStore, input: Readable, options: LoadOptions = {}): Promise<LoadResult> {
  const { signal } = options;
  const tmpRoot = path.join(store.dataRoot, 'tmp');
  await fs.promises.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  const dir = await fs.promises.mkdtemp(path.join(tmpRoot, 'load-'));
  try {
    const archive = await extractArchive(input, dir, signal ? { signal } : {}).catch((err: unknown) => {
      // dockerd untars in a child process (chrootarchive) and reports its failure with this prefix
      if (err instanceof InvalidParameterError && !signal?.aborted) {
        throw new InvalidParameterError(`Error processing tar file(exit status 1): ${err.message}`, { cause: err });
      }
      throw err;
    });
    const plans = await planLoad(archive, options.platform ? { platform: options.platform } : {});
    const loaded: LoadResult['loaded'] = [];
    for (const plan of plans) {
      signal?.throwIfAborted();
      loaded.push(await loadImage(store, plan, options));
    }
    return { loaded };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

async function loadImage(store: ImageStore, plan: ImagePlan, options: LoadOptions): Promise<{ id: string; refs: string[] }> {
  const { signal, onProgress } = options;
  const layers: ImageLayer[] = [];
  for (const layer of plan.layers) {
    layers.push(
      await unpackLayer(store, layer, {
        ...(signal ? { signal } : {}),
        ...(onProgress && !options.quiet ? { onProgress } : {}),
      }),
    );
  }
  // The config last: its presence in the content store then implies its layers are in place.
  await ensureBlob(store.content, plan.id, plan.configBytes.length, () => plan.configBytes);
  store.put({ id: plan.id, config: plan.config, configMediaType: plan.configMediaType, configSize: plan.configBytes.length, layers });

  const refs: string[] = [];
  for (const ref of plan.refs) {
    const previous = store.tag(plan.id, ref.toString(), { updateLastTagTime: false });
    if (previous !== undefined) {
      // dockerd's wording, kept verbatim (clients and scripts match on it).
      onProgress?.({ stream: `The image ${ref.familiarString()} already exists, renaming the old one with ID ${previous} to empty string\n` });
    }
    onProgress?.({ stream: `Loaded image: ${ref.familiarString()}\n` });
    refs.push(ref.toString());
  }
  if (refs.length === 0) onProgress?.({ stream: `Loaded image ID: ${plan.id}\n` });
  return { id: plan.id, refs };
}
