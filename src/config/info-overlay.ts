// `GET /info` with what the configuration says now: Labels, Debug, LiveRestoreEnabled (they change
// on SIGHUP), LoggingDriver (daemon.json `log-driver`), and dockerd's warnings about API listeners without encryption or client verification.
import type { InfoResult, SystemBackend } from '../api/routers/system/backend.js';
import type { DaemonSettings } from './merge.js';

export function withConfiguration(system: SystemBackend, settings: () => DaemonSettings, warnings: string[]): SystemBackend {
  return {
    systemVersion: () => system.systemVersion(),
    async systemInfo(): Promise<InfoResult> {
      const info = await system.systemInfo();
      const s = settings();
      const prior = Array.isArray(info.Warnings) ? (info.Warnings as string[]) : [];
      const all = [...prior, ...warnings];
      return { ...info, Labels: s.labels, Debug: s.debug, LiveRestoreEnabled: s.liveRestore, Warnings: all.length ? all : info.Warnings,
        ...(s.logDriver !== undefined ? { LoggingDriver: s.logDriver } : {}) };
    },
  };
}

/** dockerd's /info warnings for TCP listeners (daemon/info.go): plain HTTP, or TLS without client verification. */
export function listenerWarnings(tcpAddrs: string[], tls: { enabled: boolean; verify: boolean }): string[] {
  return tcpAddrs.flatMap((addr) => {
    if (!tls.enabled) {
      return [`WARNING: API is accessible on http://${addr} without encryption.
         Access to the remote API is equivalent to root access on the host. Refer
         to the 'Docker daemon attack surface' section in the documentation for
         more information: https://docs.docker.com/go/attack-surface/`];
    }
    if (!tls.verify) {
      return [`WARNING: API is accessible on https://${addr} without TLS client verification.
         Access to the remote API is equivalent to root access on the host. Refer
         to the 'Docker daemon attack surface' section in the documentation for
         more information: https://docs.docker.com/go/attack-surface/`];
    }
    return [];
  });
}
