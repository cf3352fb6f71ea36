// The distribution area: registry client, pull, push, login (see distribution-service.ts).
export { DistributionService, type DistributionDeps, type ImagePuller, type ImagePullOptions } from './distribution-service.js';
export { NO_IMAGE_EVENTS, type ImageEventAction, type ImageEventSink } from './image-events.js';
export { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from './registry-config.js';
export { authFor, decodeAuthHeader, decodeRegistryConfigHeader, type AuthConfig } from './auth-config.js';
