// A container's log driver settings and where its log file lives: decided at create, read again at
// every start (the writer) and by `docker logs` (the reader).
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerConfig, HostConfig } from '../api/types/container.js';
import { resolveLogConfig, type LogDriverName, type LogDriverSettings } from '../logger/log-config.js';
import type { LogWriterPort } from './ports.js';

export function logSettingsFor(hc: HostConfig, config: ContainerConfig): LogDriverSettings {
  return resolveLogConfig(hc.LogConfig, { labels: config.Labels ?? {}, env: config.Env ?? [] });
}

/** dockerd's places: `<id>-json.log` for json-file, `local-logs/container.log` for local, none for none. */
export function logFilePath(dir: string, id: string, driver: LogDriverName): string {
  if (driver === 'none') return '';
  if (driver === 'local') {
    fs.mkdirSync(path.join(dir, 'local-logs'), { recursive: true, mode: 0o700 });
    return path.join(dir, 'local-logs', 'container.log');
  }
  return path.join(dir, `${id}-json.log`);
}

/** The `none` driver's writer. */
export const DISCARD_LOG: LogWriterPort = { write: () => true, drain: async () => undefined, close: async () => undefined };
