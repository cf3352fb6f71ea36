// Merges an image's config into a container's config the way dockerd does at create time, and
// derives the process's path and args.
import { mergeHealthcheck, type HealthConfig } from '../health/health-config.js';
import type { ContainerConfig } from '../api/types/container.js';

/** An image's config section has the shape of a container's Config. */
export type ImageConfigLike = ContainerConfig;

const asList = (v: string[] | string | null | undefined): string[] | null => {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? [v] : v;
};

function envKey(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}

/** Image env first, container env overriding by key (dockerd's ReplaceOrAppendEnvValues). */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  for (const e of overrides) {
    const k = envKey(e);
    const idx = out.findIndex((x) => envKey(x) === k);
    if (!e.includes('=')) {
      // "KEY" without "=" removes the variable unless the daemon environment defines it.
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = e; else out.push(e);
  }
  return out;
}

/** dockerd's create-time merge: the container's env first, then image entries whose keys it lacks. */
function mergeConfigEnv(user: string[], image: string[]): string[] {
  if (user.length === 0) return [...image];
  const keys = new Set(user.map(envKey));
  return [...user, ...image.filter((e) => !keys.has(envKey(e)))];
}

export function mergeImageConfig(user: ContainerConfig, image: ImageConfigLike): ContainerConfig {
  const out: ContainerConfig = { ...user };
  const userCmd = asList(user.Cmd);
  const userEntrypoint = asList(user.Entrypoint);
  out.Env = mergeConfigEnv(user.Env ?? [], image.Env ?? []);
  if ((!userCmd || userCmd.length === 0) && !userEntrypoint) {
    out.Cmd = asList(image.Cmd);
  } else {
    out.Cmd = userCmd;
  }
  if (!userEntrypoint) {
    out.Entrypoint = asList(image.Entrypoint);
  } else {
    // An explicitly empty entrypoint ([""] from `--entrypoint ""`) clears the image's.
    out.Entrypoint = userEntrypoint.length === 1 && userEntrypoint[0] === '' ? null : userEntrypoint;
  }
  if (!out.WorkingDir) out.WorkingDir = image.WorkingDir ?? '';
  if (!out.User) out.User = image.User ?? '';
  out.Labels = { ...(image.Labels ?? {}), ...(user.Labels ?? {}) };
  // dockerd: an empty set from the client takes the image's as it is (null stays null)
  const isEmpty = (v: Record<string, object> | null | undefined): boolean => !v || Object.keys(v).length === 0;
  if (isEmpty(user.ExposedPorts)) {
    if (image.ExposedPorts) out.ExposedPorts = image.ExposedPorts; else delete out.ExposedPorts; // omitempty
  } else if (image.ExposedPorts) out.ExposedPorts = { ...image.ExposedPorts, ...user.ExposedPorts };
  if (isEmpty(user.Volumes)) out.Volumes = image.Volumes ?? null;
  else if (image.Volumes) out.Volumes = { ...image.Volumes, ...user.Volumes };
  if (!out.StopSignal && image.StopSignal) out.StopSignal = image.StopSignal;
  const hc = mergeHealthcheck(out.Healthcheck as HealthConfig | null | undefined, image.Healthcheck as HealthConfig | null | undefined);
  if (hc) out.Healthcheck = hc;
  if (image.OnBuild && !out.OnBuild) out.OnBuild = image.OnBuild;
  return out;
}

/** Entrypoint + Cmd → [path, ...args]; empty when there is nothing to run. */
export function commandLine(config: ContainerConfig): string[] {
  return [...(asList(config.Entrypoint) ?? []), ...(asList(config.Cmd) ?? [])];
}
