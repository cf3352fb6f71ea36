// A build step's image: a child of the current image (or a first image from scratch) with the step's
// config, its container_config (the `#(nop)` or RUN command the cache matches on), a history entry,
// and for COPY/ADD the layer written from the sources (RUN layers are committed by the daemon).
import type { ContainerConfig } from '../api/types/container.js';
import { chainIds } from '../image/chain-id.js';
import { DOCKER_VERSION, putImageConfig } from '../image/commit.js';
import type { ImageStore } from '../image/image-store.js';
import { unpackLayer } from '../image/layer-unpack.js';
import { hostPlatform } from '../image/load-plan.js';
import { MEDIA_TYPES, type ImageConfigFile, type ImageLayer, type ImageRecord } from '../image/types.js';
import type { LayerFile } from './copy-layer.js';

export interface CommitStepOptions {
  parent: ImageRecord | undefined;
  layer?: LayerFile;
  config: ContainerConfig;
  containerConfig: ContainerConfig;
  author: string;
}

const cmdText = (cmd: ContainerConfig['Cmd']): string => (Array.isArray(cmd) ? cmd.join(' ') : cmd ?? '');

export async function commitImage(store: ImageStore, o: CommitStepOptions): Promise<ImageRecord> {
  const parent = o.parent;
  const layers: ImageLayer[] = [...(parent?.layers ?? [])];
  const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
  if (o.layer) {
    diffIds.push(o.layer.diffId);
    const chains = chainIds(diffIds);
    layers.push(await unpackLayer(store, {
      file: { name: 'build-layer', path: o.layer.path, digest: o.layer.diffId, size: o.layer.size, compression: 'none' },
      diffId: o.layer.diffId,
      chainId: chains[chains.length - 1] as string,
      parentChainId: chains.length > 1 ? chains[chains.length - 2] : undefined,
      mediaType: MEDIA_TYPES.dockerLayer,
      blobDigest: o.layer.diffId,
      blobSize: o.layer.size,
      diffSize: o.layer.size,
    }));
  }
  const created = new Date().toISOString();
  const pc = parent?.config;
  const config: ImageConfigFile = {
    architecture: pc?.architecture ?? hostPlatform().architecture,
    ...(o.author ? { author: o.author } : {}),
    config: o.config,
    container_config: o.containerConfig,
    created,
    docker_version: DOCKER_VERSION,
    history: [
      ...(pc?.history ?? []),
      { created, ...(o.author ? { author: o.author } : {}), created_by: cmdText(o.containerConfig.Cmd), ...(o.layer ? {} : { empty_layer: true }) },
    ],
    os: pc?.os || 'linux',
    ...(pc?.variant ? { variant: pc.variant } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  return putImageConfig(store, config, layers, parent?.id);
}
