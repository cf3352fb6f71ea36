// Types shared by the image store and the loaders: the image config as stored in archives and
// registries (OCI image config / Docker image JSON), and berthd's own record of a local image.
import type { ContainerConfig } from '../api/types/container.js';

/** The `config` section of an image config: Docker's container Config, as images carry it. */
export type ImageContainerConfig = ContainerConfig;

export interface ImageHistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** Image config JSON (OCI image-spec config.md plus Docker's extra fields). Its digest is the image ID. */
export interface ImageConfigFile {
  architecture?: string;
  os?: string;
  'os.version'?: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  container?: string;
  docker_version?: string;
  config?: ImageContainerConfig | null;
  container_config?: ImageContainerConfig | null;
  rootfs: { type: string; diff_ids: string[] };
  history?: ImageHistoryEntry[];
  [key: string]: unknown;
}

/** One layer of a local image: its blob in the content store and its committed snapshot. */
export interface ImageLayer {
  /** digest of the uncompressed tar (config.rootfs.diff_ids[i]) */
  diffId: string;
  /** snapshot name: chain ID of this layer and all below it */
  chainId: string;
  /** blob in the content store; with `mediaType` and `size` it forms the layer's descriptor */
  blobDigest: string;
  mediaType: string;
  /** size of the blob in bytes (compressed size when compressed) */
  size: number;
  /** size of the uncompressed tar in bytes */
  diffSize: number;
  /** disk usage of the committed snapshot, when the snapshotter reported it */
  unpackedSize?: number;
}

/** berthd's record of a local image. */
export interface ImageRecord {
  /** "sha256:<hex>": digest of the config JSON bytes */
  id: string;
  config: ImageConfigFile;
  configMediaType: string;
  configSize: number;
  /** canonical tagged references ("docker.io/library/busybox:latest"), from the repositories file */
  repoTags: string[];
  /** canonical digested references ("docker.io/library/busybox@sha256:…"), from the repositories file */
  repoDigests: string[];
  layers: ImageLayer[];
  /** config.created, or "" when absent */
  created: string;
  /** when berthd stored the image (RFC 3339) */
  addedAt: string;
  /** last time a tag was set on this image via the tag API (RFC 3339), or null */
  lastTagTime: string | null;
  /** the local image this one was committed (or built) from, as dockerd's image store records it */
  parent?: string;
}

/** What a loader or puller hands the store; tags are set separately. */
export type NewImage = Pick<ImageRecord, 'id' | 'config' | 'configMediaType' | 'configSize' | 'layers'> & { parent?: string };

export const MEDIA_TYPES = {
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;
