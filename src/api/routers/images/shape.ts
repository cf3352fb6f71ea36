// Per-version shaping of image responses.
import { versionLt } from '../../../internal/version.js';
import type { ImageInspect, ImageSummary } from './backend.js';

export function shapeImageSummary(s: ImageSummary, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  if (versionLt(version, '1.25')) { delete out.SharedSize; delete out.Containers; }
  if (versionLt(version, '1.20')) delete out.Labels;
  if (versionLt(version, '1.18')) delete out.RepoDigests; // added in 1.18
  return out;
}

export function shapeImageInspect(i: ImageInspect, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...i };
  if (versionLt(version, '1.23')) delete out.RootFS;
  if (versionLt(version, '1.21')) { delete out.RepoTags; delete out.RepoDigests; }
  if (versionLt(version, '1.30')) delete out.Metadata;
  return out;
}
