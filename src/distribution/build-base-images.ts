// The builder's BaseImageSource (src/builder/ports.ts) on the registry puller: `FROM` of an image
// that is not local, or every `FROM` with `pull`, pulls it with the credential the CLI sent for that
// registry in X-Registry-Config, its progress going into the build's output as dockerd's does.
import type { ImageRecord } from '../image/types.js';
import { parseNormalizedNamed } from '../image/reference.js';
import { authConfigsFrom, authFor } from './auth-config.js';
import type { ImagePuller } from './distribution-service.js';

export interface BuildPullOptions {
  platform?: string;
  authConfigs: Record<string, unknown>;
  signal: AbortSignal;
  progress: (msg: object) => void;
}

export function registryBaseImages(pull: ImagePuller): { pull(ref: string, o: BuildPullOptions): Promise<ImageRecord> } {
  return {
    pull: (ref, o) => pull(ref, {
      auth: authFor(authConfigsFrom(o.authConfigs), parseNormalizedNamed(ref).domain),
      signal: o.signal,
      onProgress: (m) => o.progress(m),
      ...(o.platform ? { platform: o.platform } : {}),
    }),
  };
}
