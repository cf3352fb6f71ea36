// daemon.json's container defaults, applied to each container create as dockerd applies them:
// `log-driver`/`log-opts` fill a LogConfig without a type (and the default driver's options a container
// did not set: dockerd's mergeAndVerifyLogConfig, stored with the container), `default-ulimits` add the
// limits a container does not set, `dns`/`dns-opts`/`dns-search` stand in for a container without its
// own. (dockerd applies the last two when it builds the container's spec and resolv.conf, so its
// inspect shows the container's own values; berthd's shows the defaults that were applied.)
import type { ContainerCreateBody, HostConfig } from '../api/types/container.js';
import type { Ulimit } from '../api/types/host-config.js';
import { resolveLogConfig } from '../logger/log-config.js';
import type { DaemonSettings } from './merge.js';

/** dockerd's default log driver when daemon.json names none. */
export const DEFAULT_LOG_DRIVER = 'json-file';

/** The create body with the daemon's defaults filled in (a copy; the body given is not changed). */
export function applyCreateDefaults(body: ContainerCreateBody, s: DaemonSettings): ContainerCreateBody {
  const hc: HostConfig = { ...(body.HostConfig ?? {}) };
  const driver = s.logDriver ?? DEFAULT_LOG_DRIVER;
  const log = hc.LogConfig;
  const type = log?.Type || driver;
  const config: Record<string, string> = { ...(log?.Config ?? {}) };
  if (type === driver) for (const [k, v] of Object.entries(s.logOpts)) if (!(k in config)) config[k] = v;
  if (log?.Type || s.logDriver !== undefined || Object.keys(s.logOpts).length > 0) hc.LogConfig = { Type: type, Config: config };

  const defaults = Object.values(s.defaultUlimits);
  if (defaults.length > 0) {
    const own: Ulimit[] = Array.isArray(hc.Ulimits) ? (hc.Ulimits as Ulimit[]) : [];
    const named = new Set(own.map((u) => u.Name));
    hc.Ulimits = [...own, ...defaults.filter((u) => !named.has(u.Name)).map((u) => ({ Name: u.Name, Soft: u.Soft, Hard: u.Hard }))];
  }
  const empty = (v: unknown): boolean => !Array.isArray(v) || v.length === 0;
  if (s.network.dns.length > 0 && empty(hc.Dns)) hc.Dns = [...s.network.dns];
  if (s.network.dnsOptions.length > 0 && empty(hc.DnsOptions)) hc.DnsOptions = [...s.network.dnsOptions];
  if (s.network.dnsSearch.length > 0 && empty(hc.DnsSearch)) hc.DnsSearch = [...s.network.dnsSearch];
  return { ...body, HostConfig: hc };
}

/** A containers backend whose creates get the daemon's defaults. */
export function withCreateDefaults<T extends { containerCreate(name: string | undefined, body: ContainerCreateBody): Promise<R> }, R>(
  backend: T, settings: () => DaemonSettings,
): T {
  return { ...backend, containerCreate: (name: string | undefined, body: ContainerCreateBody) => backend.containerCreate(name, applyCreateDefaults(body, settings())) };
}

/** Start-up check of daemon.json's log-driver and log-opts (dockerd: "failed to set log opts: …"). */
export function checkLogDefaults(s: DaemonSettings): void {
  if (s.logDriver === undefined && Object.keys(s.logOpts).length === 0) return;
  try {
    resolveLogConfig({ Type: s.logDriver ?? DEFAULT_LOG_DRIVER, Config: s.logOpts }, { labels: {}, env: [] });
  } catch (err) {
    throw new Error(`failed to set log opts: ${(err as Error).message}`);
  }
}
