// The image half of `docker commit`: given the layer blob Diff.Diff wrote for a container's changes,
// make its snapshot (chain ID on top of the parent image's) and a child image config the way
// dockerd's NewChildImage does (history entry, container, container_config, parent link).
import { createHash } from 'node:crypto';
import type { Descriptor } from '../runtime/runtime.js';
import { chainIds } from './chain-id.js';
import type { ImageStore } from './image-store.js';
import { ensureBlob, unpackBlob } from './layer-unpack.js';
import { hostPlatform } from './load-plan.js';
import { MEDIA_TYPES, type ImageConfigFile, type ImageContainerConfig, type ImageLayer, type ImageRecord } from './types.js';

/** Digest of an empty tar (1024 zero bytes): dockerd's layer.EmptyLayer. */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export interface ChildImageOptions {
  parent: ImageRecord | undefined;
  /** the uncompressed layer blob in the content store */
  layer: Descriptor;
  config: ImageContainerConfig;
  containerConfig: ImageContainerConfig;
  containerId: string;
  author: string;
  comment: string;
}

/** What dockerd 20.10 writes as docker_version in the configs it makes (commit, import). */
export const DOCKER_VERSION = '20.10.24';

/** Stores a new image config as a blob and records the image; its ID is the config's digest. */
export async function putImageConfig(store: ImageStore, config: ImageConfigFile, layers: ImageLayer[], parent?: string): Promise<ImageRecord> {
  const bytes = Buffer.from(JSON.stringify(config));
  const id = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await ensureBlob(store.content, id, bytes.length, () => bytes);
  return store.put({ id, config, configMediaType: MEDIA_TYPES.dockerConfig, configSize: bytes.length, layers, ...(parent ? { parent } : {}) });
}

const cmdText = (cmd: ImageContainerConfig['Cmd']): string => (Array.isArray(cmd) ? cmd.join(' ') : cmd ?? '');

export async function createChildImage(store: ImageStore, o: ChildImageOptions): Promise<ImageRecord> {
  const parent = o.parent;
  const empty = o.layer.digest === EMPTY_LAYER_DIFF_ID;
  const layers: ImageLayer[] = [...(parent?.layers ?? [])];
  const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
  if (!empty) {
    diffIds.push(o.layer.digest);
    const chains = chainIds(diffIds);
    layers.push(
      await unpackBlob(store, {
        diffId: o.layer.digest,
        chainId: chains[chains.length - 1] as string,
        parentChainId: chains.length > 1 ? chains[chains.length - 2] : undefined,
        mediaType: o.layer.mediaType || MEDIA_TYPES.ociLayer,
        blobDigest: o.layer.digest,
        blobSize: o.layer.size,
        diffSize: o.layer.size,
      }),
    );
  } else {
    await store.releaseBlob(o.layer.digest);
  }
  const created = new Date().toISOString();
  const pc = parent?.config;
  const config: ImageConfigFile = {
    ...(pc?.architecture || !parent ? { architecture: pc?.architecture ?? hostPlatform().architecture } : {}),
    ...(o.author ? { author: o.author } : {}),
    ...(o.comment ? { comment: o.comment } : {}),
    config: o.config,
    container: o.containerId,
    container_config: o.containerConfig,
    created,
    docker_version: DOCKER_VERSION,
    history: [
      ...(pc?.history ?? []),
      {
        created,
        ...(o.author ? { author: o.author } : {}),
        created_by: cmdText(o.containerConfig.Cmd),
        ...(o.comment ? { comment: o.comment } : {}),
        ...(empty ? { empty_layer: true } : {}),
      },
    ],
    os: pc?.os || 'linux',
    ...(pc?.variant ? { variant: pc.variant } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  return putImageConfig(store, config, layers, parent?.id);
}
