// Public API of the local image store and `docker load`.
export { ImageStore, type ImageStoreDeps } from './image-store.js';
export { loadArchive, type LoadOptions, type LoadProgressMessage, type LoadResult } from './load.js';
export { hostPlatform, type Platform } from './load-plan.js';
export { chainId, chainIds } from './chain-id.js';
export {
  Reference,
  DEFAULT_DOMAIN,
  DEFAULT_TAG,
  familiarString,
  isFullHexId,
  isSha256Digest,
  normalizeReference,
  parseDockerRef,
  parseNormalizedNamed,
  parseReference,
  validateDigest,
} from './reference.js';
export { inspectImage, summarizeImage, imageSize, ZERO_TIME, type ImageInspect, type ImageSummary } from './image-shape.js';
export { MEDIA_TYPES, type ImageConfigFile, type ImageContainerConfig, type ImageHistoryEntry, type ImageLayer, type ImageRecord, type NewImage } from './types.js';
