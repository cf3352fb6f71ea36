// Per-version shapes of volumes (reference/api: the volume API is 1.21's; Labels and the list's
// Warnings 1.23; Scope 1.24; Options 1.25; CreatedAt 1.31), and of the create request (Labels from 1.23).
import { versionLt } from '../../../internal/version.js';
import type { VolumeCreateRequest, VolumeInfo, VolumeListResult } from './backend.js';

export function shapeVolume(v: VolumeInfo, version: string): Record<string, unknown> {
  if (!versionLt(version, '1.31')) return v as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...v };
  delete out.CreatedAt;
  if (versionLt(version, '1.25')) { delete out.Options; delete out.UsageData; }
  if (versionLt(version, '1.24')) delete out.Scope;
  if (versionLt(version, '1.23')) { delete out.Labels; delete out.Status; }
  return out;
}

export function shapeVolumeList(list: VolumeListResult, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { Volumes: list.Volumes.map((v) => shapeVolume(v, version)) };
  if (!versionLt(version, '1.23')) out.Warnings = list.Warnings;
  return out;
}

/** Before 1.23 a create request had no labels. */
export function shapeCreateRequest(req: VolumeCreateRequest, version: string): VolumeCreateRequest {
  return versionLt(version, '1.23') ? { ...req, Labels: null } : req;
}
