// A container's HostConfig.LogConfig → the settings of the log driver that serves it, validated the
// way dockerd validates (same option names, same error texts), but at create time rather than at
// start, so a bad option is a 400 on `docker run` instead of a container that cannot start.
//
// Drivers: json-file (dockerd's on-disk format, with max-size/max-file rotation and compress),
// local (the same writer with dockerd's local-driver defaults: 20 MiB × 5 files, compressed; the
// on-disk format is berthd's business, as it is dockerd's for its own local driver) and none.
// Every other driver dockerd knows gets a clear 400 saying berthd does not have it.

import { InvalidParameterError } from '../errdefs/index.js';

export type LogDriverName = 'json-file' | 'local' | 'none';

export interface LogDriverSettings {
  driver: LogDriverName;
  /** rotate when the file reaches this many bytes; undefined = never */
  maxSize?: number;
  /** files kept, the live one included (≥ 1) */
  maxFile: number;
  /** gzip rotated files */
  compress: boolean;
  /** extra attributes stored with every record (log-opt labels/env), shown by `docker logs --details` */
  attrs: Record<string, string>;
}

/** What dockerd 20.10 registers besides the drivers berthd has. */
const OTHER_DOCKERD_DRIVERS = new Set([
  'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'etwlogs', 'gcplogs', 'logentries',
]);

const OPTS: Record<LogDriverName, readonly string[]> = {
  'json-file': ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
  local: ['max-file', 'max-size', 'compress'],
  none: [],
};

/** A bad driver, option or value: a 400 wherever it surfaces. */
export class LogConfigError extends InvalidParameterError {}

export interface LogConfigInput {
  Type?: string;
  Config?: Record<string, string> | null;
}

/** Container facts the labels/env options read from. */
export interface LogAttrSource {
  labels: Record<string, string>;
  env: string[];
}

/** Throws LogConfigError with dockerd's message for an unknown driver, option or value. */
export function resolveLogConfig(input: LogConfigInput | undefined, source: LogAttrSource): LogDriverSettings {
  const type = input?.Type || 'json-file';
  const opts = input?.Config ?? {};
  if (type !== 'json-file' && type !== 'local' && type !== 'none') {
    if (OTHER_DOCKERD_DRIVERS.has(type)) throw new LogConfigError(`logging driver "${type}" is not supported by berthd (supported: json-file, local, none)`);
    throw new LogConfigError(`logger: no log driver named '${type}' is registered`);
  }
  for (const key of Object.keys(opts)) {
    if (type === 'none') throw new LogConfigError(`logger: no log driver named 'none' accepts log options (got '${key}')`);
    if (!OPTS[type].includes(key)) throw new LogConfigError(`unknown log opt '${key}' for ${type} log driver`);
  }
  if (type === 'none') return { driver: 'none', maxFile: 1, compress: false, attrs: {} };

  const local = type === 'local';
  let maxSize: number | undefined = local ? 20 * 1024 * 1024 : undefined;
  if (opts['max-size'] !== undefined && opts['max-size'] !== '') {
    const v = parseRamInBytes(opts['max-size']);
    if (v === undefined) throw new LogConfigError(`invalid size: '${opts['max-size']}'`);
    maxSize = v > 0 ? v : undefined;
  }
  let maxFile = local ? 5 : 1;
  if (opts['max-file'] !== undefined && opts['max-file'] !== '') {
    const text = opts['max-file'];
    if (!/^[+-]?\d+$/.test(text)) throw new LogConfigError(`strconv.Atoi: parsing "${text}": invalid syntax`);
    maxFile = Number(text);
    if (maxFile < 1) throw new LogConfigError('max-file cannot be less than 1');
  }
  let compress = local;
  if (opts.compress !== undefined && opts.compress !== '') {
    const b = parseGoBool(opts.compress);
    if (b === undefined) throw new LogConfigError(`strconv.ParseBool: parsing "${opts.compress}": invalid syntax`);
    compress = b;
  }
  if (compress && (maxFile === 1 || maxSize === undefined)) {
    throw new LogConfigError('compress cannot be true when max-file is less than 2 or max-size is not set');
  }
  return { driver: type, ...(maxSize !== undefined ? { maxSize } : {}), maxFile, compress, attrs: logAttrs(opts, source) };
}

/** docker/go-units RAMInBytes: "10m" = 10 MiB; k, m, g, t, p with optional "i" and "b". */
export function parseRamInBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[unit] ?? 1;
  return Math.floor(n * mult);
}

function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** dockerd's Info.ExtraAttributes: the labels and env variables the options name or match. */
function logAttrs(opts: Record<string, string>, source: LogAttrSource): Record<string, string> {
  const attrs: Record<string, string> = {};
  const env = new Map<string, string>();
  for (const kv of source.env) {
    const i = kv.indexOf('=');
    if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
  }
  const names = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
  for (const k of names(opts.labels)) if (k in source.labels) attrs[k] = source.labels[k]!;
  for (const k of names(opts.env)) if (env.has(k)) attrs[k] = env.get(k)!;
  const labelsRe = safeRegExp(opts['labels-regex']);
  if (labelsRe) for (const [k, v] of Object.entries(source.labels)) if (labelsRe.test(k)) attrs[k] = v;
  const envRe = safeRegExp(opts['env-regex']);
  if (envRe) for (const [k, v] of env) if (envRe.test(k)) attrs[k] = v;
  return attrs;
}

function safeRegExp(src: string | undefined): RegExp | undefined {
  if (!src) return undefined;
  try {
    return new RegExp(src);
  } catch {
    throw new LogConfigError(`error parsing regexp: invalid ${JSON.stringify(src)}`);
  }
}

/**
 * `docker logs --details` prefix: the attributes sorted by key, query-escaped, as `k=v,k2=v2 `
 * (dockerd's attrsByteSlice), and with none just the space, as dockerd prints.
 */
export function detailsPrefix(attrs: Record<string, string> | undefined): string {
  const keys = Object.keys(attrs ?? {}).sort();
  if (attrs === undefined || keys.length === 0) return ' ';
  return `${keys.map((k) => `${goQueryEscape(k)}=${goQueryEscape(attrs[k]!)}`).join(',')} `;
}

/** Go's url.QueryEscape: spaces as '+', everything but unreserved characters percent-encoded. */
function goQueryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}
