// What the metadata instructions do to a stage's image config (ENV, LABEL, WORKDIR, USER, EXPOSE,
// VOLUME, ENTRYPOINT, CMD, HEALTHCHECK, SHELL, STOPSIGNAL, ONBUILD, MAINTAINER), and the comment
// text dockerd records for each (the `#(nop)` command in container_config and history).
import path from 'node:path';
import type { ContainerConfig } from '../api/types/container.js';
import { InvalidParameterError } from '../errdefs/index.js';
import type { Instruction } from './dockerfile-parser.js';
import { processWord, processWords, type Env } from './shell-lex.js';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface MetaState {
  config: ContainerConfig;
  maintainer: string;
  escape: string;
  /** a CMD was given in this stage (then ENTRYPOINT keeps it) */
  cmdSet: boolean;
}

/** Go's %q of a []string: ["a" "b"]. */
export const goQuoteList = (l: readonly string[]): string => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;

/** key=value pairs of ENV/LABEL (or the legacy `KEY value` form). */
export function parseKeyValues(ins: Instruction, env: Env, escape: string, legacyAllowed: boolean): Array<[string, string]> {
  const name = ins.cmd.toUpperCase();
  const words = splitKeepQuotes(ins.rest, escape);
  if (words.length === 0) throw new InvalidParameterError(`${name} requires at least one argument`);
  if (!(words[0] as string).includes('=')) {
    if (!legacyAllowed) throw new InvalidParameterError(`${name} names can not be blank`);
    const m = /^(\S+)\s+([\s\S]*)$/.exec(ins.rest.trim());
    if (!m) throw new InvalidParameterError(`${name} must have two arguments`);
    return [[processWord(m[1] as string, env, escape), processWord(m[2] as string, env, escape)]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i < 0) throw new InvalidParameterError(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    const key = processWord(w.slice(0, i), env, escape);
    if (key === '') throw new InvalidParameterError(`${name} names can not be blank`);
    return [key, processWord(w.slice(i + 1), env, escape)];
  });
}

/** Splits on unquoted whitespace, keeping quotes and escapes for the later expansion. */
function splitKeepQuotes(text: string, escape: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === escape && i + 1 < text.length) { cur += c + text[++i]; continue; }
    if (quote) { if (c === quote) quote = ''; cur += c; continue; }
    if (c === '"' || c === "'") { quote = c; cur += c; continue; }
    if (/\s/.test(c)) { if (cur) out.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (quote) throw new InvalidParameterError(`unexpected end of statement while looking for matching ${quote === '"' ? 'double' : 'single'}-quote`);
  if (cur) out.push(cur);
  return out;
}

/** Go's time.ParseDuration for HEALTHCHECK options, in nanoseconds. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new InvalidParameterError(`time: invalid duration "${s}"`);
    total += Number(m[1]) * (units[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (s.length === 0) throw new InvalidParameterError('time: invalid duration ""');
  return Math.round(total);
}

function exposedPorts(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const [range, proto = 'tcp'] = w.split('/') as [string, string?];
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) throw new InvalidParameterError(`Invalid containerPort: ${range}`);
    const lo = Number(m[1]), hi = m[2] ? Number(m[2]) : lo;
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto.toLowerCase()}`);
  }
  return out;
}

/** The exec form as given, or the shell form wrapped in the stage's SHELL. */
export function commandLine(ins: Instruction, shell: readonly string[]): { args: string[]; shellForm: boolean } {
  if (ins.json) return { args: ins.json, shellForm: false };
  return { args: [...shell, ins.rest], shellForm: true };
}

function setEnv(config: ContainerConfig, key: string, value: string): void {
  const env = [...(config.Env ?? [])];
  const i = env.findIndex((e) => e.split('=')[0] === key);
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  config.Env = env;
}

/**
 * Applies a metadata instruction to the state; returns dockerd's commit comment. RUN, COPY, ADD,
 * FROM and ARG are the builder's (they need more than the config).
 */
export function applyMeta(ins: Instruction, s: MetaState, env: Env): string {
  const c = s.config;
  const words = (): string[] => processWords(ins.rest, env, s.escape);
  const shell = c.Shell && c.Shell.length ? c.Shell : DEFAULT_SHELL;
  switch (ins.cmd) {
    case 'env': {
      const pairs = parseKeyValues(ins, env, s.escape, true);
      for (const [k, v] of pairs) setEnv(c, k, v);
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'label': {
      const pairs = parseKeyValues(ins, env, s.escape, false);
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of pairs) c.Labels[k] = v;
      return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'maintainer': {
      s.maintainer = ins.rest;
      return `MAINTAINER ${ins.rest}`;
    }
    case 'workdir': {
      const dir = processWord(ins.rest, env, s.escape);
      if (!dir) throw new InvalidParameterError('WORKDIR requires exactly one argument');
      c.WorkingDir = path.posix.isAbsolute(dir) ? path.posix.normalize(dir) : path.posix.join(c.WorkingDir || '/', dir);
      return `WORKDIR ${c.WorkingDir}`;
    }
    case 'user': {
      const user = processWord(ins.rest, env, s.escape);
      if (!user) throw new InvalidParameterError('USER requires exactly one argument');
      c.User = user;
      return `USER ${user}`;
    }
    case 'expose': {
      const ports = exposedPorts(words());
      if (ports.length === 0) throw new InvalidParameterError('EXPOSE requires at least one argument');
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) c.ExposedPorts[p] = {};
      return `EXPOSE ${Object.keys(c.ExposedPorts).sort().join(' ')}`;
    }
    case 'volume': {
      const vols = ins.json ?? words();
      if (vols.length === 0) throw new InvalidParameterError('VOLUME requires at least one argument');
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const v of vols) {
        if (v.trim() === '') throw new InvalidParameterError('VOLUME specified can not be an empty string');
        c.Volumes[v] = {};
      }
      return `VOLUME ${goQuoteList(vols).replace(/"/g, '')}`;
    }
    case 'stopsignal': {
      const sig = processWord(ins.rest, env, s.escape);
      if (!sig) throw new InvalidParameterError('STOPSIGNAL requires exactly one argument');
      c.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'entrypoint': {
      const { args } = commandLine(ins, shell);
      c.Entrypoint = ins.rest === '' && !ins.json ? null : args;
      // an ENTRYPOINT resets the CMD inherited from the base image (dockerd's cmdSet)
      if (!s.cmdSet) c.Cmd = null;
      return `ENTRYPOINT ${goQuoteList(args)}`;
    }
    case 'cmd': {
      const { args } = commandLine(ins, shell);
      c.Cmd = args;
      s.cmdSet = true;
      return `CMD ${goQuoteList(args)}`;
    }
    case 'shell': {
      if (!ins.json || ins.json.length === 0) throw new InvalidParameterError('SHELL requires the arguments to be in JSON form');
      c.Shell = ins.json;
      return `SHELL ${goQuoteList(ins.json)}`;
    }
    case 'onbuild': {
      c.OnBuild = [...(c.OnBuild ?? []), ins.rest];
      return `ONBUILD ${ins.rest}`;
    }
    case 'healthcheck':
      return applyHealthcheck(ins, c, shell);
    default:
      throw new InvalidParameterError(`unknown instruction: ${ins.cmd.toUpperCase()}`);
  }
}

function applyHealthcheck(ins: Instruction, c: ContainerConfig, shell: readonly string[]): string {
  const words = ins.rest.split(/\s+/);
  const kind = (words[0] ?? '').toUpperCase();
  if (kind === 'NONE') {
    if (words.length > 1 || ins.flags.size > 0) throw new InvalidParameterError('HEALTHCHECK NONE takes no arguments');
    c.Healthcheck = { Test: ['NONE'] };
    return `HEALTHCHECK &{["NONE"] "0s" "0s" "0s" "0s" '\\x00'}`;
  }
  if (kind !== 'CMD') throw new InvalidParameterError(`Unknown type "${kind}" in HEALTHCHECK (try CMD)`);
  const rest = ins.rest.replace(/^\S+\s*/, '');
  if (!rest) throw new InvalidParameterError('Missing command after HEALTHCHECK CMD');
  const inner: Instruction = { ...ins, rest, flags: new Map() };
  const json = rest.trim().startsWith('[') ? (() => { try { return JSON.parse(rest) as string[]; } catch { return undefined; } })() : undefined;
  if (json) inner.json = json; else delete inner.json;
  const test = json ? ['CMD', ...json] : ['CMD-SHELL', rest];
  void shell;
  const hc: Record<string, unknown> = { Test: test };
  const known = new Set(['interval', 'timeout', 'start-period', 'start-interval', 'retries']);
  for (const [k, v] of ins.flags) {
    if (!known.has(k)) throw new InvalidParameterError(`Unknown flag: ${k}`);
    if (k === 'retries') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidParameterError(`--retries cannot be negative (${v})`);
      hc.Retries = n;
      continue;
    }
    const d = parseDuration(v);
    if (d !== 0 && d < 1e6) throw new InvalidParameterError(`Interval "${k}" cannot be less than 1ms`);
    hc[{ interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' }[k] as string] = d;
  }
  c.Healthcheck = hc;
  const dur = (n: unknown): string => `"${typeof n === 'number' ? `${n / 1e9}s` : '0s'}"`;
  return `HEALTHCHECK &{${goQuoteList(test)} ${dur(hc.Interval)} ${dur(hc.Timeout)} ${dur(hc.StartPeriod)} ${dur(hc.StartInterval)} '\\x0${String(hc.Retries ?? 0)}'}`;
}
