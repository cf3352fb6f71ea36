// `--change` instructions of docker import and docker commit (dockerd's BuildFromConfig): a few
// Dockerfile instructions applied to an image config. Only the instructions dockerd allows here.
import { parseGoDuration } from '../internal/go-time.js';
import { InvalidParameterError } from '../errdefs/errors.js';
import type { ImageContainerConfig } from './types.js';

const VALID = new Set(['cmd', 'entrypoint', 'healthcheck', 'env', 'expose', 'label', 'onbuild', 'user', 'volume', 'workdir']);

/** Splits shell-like words: quotes group, backslash escapes; quotes are removed. */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** JSON form (["a","b"]) or shell form (wrapped in /bin/sh -c). */
function commandForm(rest: string, shell: string[]): string[] {
  const t = rest.trim();
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch { /* not JSON: shell form, as in Dockerfiles */ }
  }
  return [...shell, t];
}

/** ENV/LABEL arguments: "k=v k2='v 2'" or the legacy "k v with spaces". */
function keyValues(rest: string, what: string): Array<[string, string]> {
  const words = splitWords(rest);
  if (words.length === 0) throw new InvalidParameterError(`${what} requires at least one argument`);
  if (!(words[0] as string).includes('=')) {
    const [key, ...value] = rest.trim().split(/\s+/);
    if (value.length === 0) throw new InvalidParameterError(`${what} must have two arguments`);
    return [[key as string, rest.trim().slice((key as string).length).trim()]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw new InvalidParameterError(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

function listOrWords(rest: string): string[] {
  const t = rest.trim();
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v)) return v.map(String);
    } catch { /* words */ }
  }
  return splitWords(t);
}

export function applyChanges(base: ImageContainerConfig, changes: readonly string[]): ImageContainerConfig {
  const c: ImageContainerConfig = { ...base };
  const lines = changes.flatMap((ch) => ch.split('\n')).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line) as RegExpExecArray;
    const cmd = (m[1] as string).toLowerCase();
    const rest = m[2] as string;
    if (!VALID.has(cmd)) throw new InvalidParameterError(`${cmd} is not a valid change command`);
    const shell = c.Shell && c.Shell.length ? c.Shell : ['/bin/sh', '-c'];
    switch (cmd) {
      case 'cmd': c.Cmd = commandForm(rest, shell); break;
      case 'entrypoint': c.Entrypoint = commandForm(rest, shell); break;
      case 'env': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of keyValues(rest, 'ENV')) {
          const i = env.findIndex((e) => e === k || e.startsWith(`${k}=`));
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'label': {
        const labels = { ...(c.Labels ?? {}) };
        for (const [k, v] of keyValues(rest, 'LABEL')) labels[k] = v;
        c.Labels = labels;
        break;
      }
      case 'expose': {
        const ports = { ...(c.ExposedPorts ?? {}) };
        for (const p of splitWords(rest)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
        c.ExposedPorts = ports;
        break;
      }
      case 'volume': {
        const vols = { ...(c.Volumes ?? {}) };
        for (const v of listOrWords(rest)) vols[v] = {};
        c.Volumes = vols;
        break;
      }
      case 'user': c.User = rest.trim(); break;
      case 'workdir': {
        const w = rest.trim();
        c.WorkingDir = w.startsWith('/') ? w : `${(c.WorkingDir || '/').replace(/\/$/, '')}/${w}`;
        break;
      }
      case 'onbuild': c.OnBuild = [...(c.OnBuild ?? []), rest.trim()]; break;
      case 'healthcheck': c.Healthcheck = parseHealthcheck(rest); break;
    }
  }
  return c;
}

const HEALTH_FLAGS: Record<string, string> = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' };

/** The builder's HEALTHCHECK: [--interval=D --timeout=D --start-period=D --start-interval=D --retries=N] CMD ...|NONE */
function parseHealthcheck(rest: string): Record<string, unknown> {
  let text = rest.trim();
  const hc: Record<string, unknown> = {};
  for (let m = /^--([a-z-]+)=(\S*)\s*/.exec(text); m; m = /^--([a-z-]+)=(\S*)\s*/.exec(text)) {
    const [all, flag, value] = m as unknown as [string, string, string];
    text = text.slice(all.length);
    if (flag === 'retries') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new InvalidParameterError(`invalid value for retries: ${value}`);
      hc.Retries = n;
      continue;
    }
    const field = HEALTH_FLAGS[flag];
    if (!field) throw new InvalidParameterError(`Unknown flag: ${flag}`);
    const ms = parseGoDuration(value);
    if (ms === undefined) throw new InvalidParameterError(`time: invalid duration "${value}"`);
    hc[field] = Math.round(ms * 1e6);
  }
  const [kind] = text.split(/\s+/, 1);
  const args = text.slice(kind?.length ?? 0).trim();
  if (kind?.toUpperCase() === 'NONE') return { Test: ['NONE'] };
  if (kind?.toUpperCase() !== 'CMD') throw new InvalidParameterError('Unknown type for HEALTHCHECK');
  if (args.startsWith('[')) {
    try {
      const argv = JSON.parse(args) as unknown;
      if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return { Test: ['CMD', ...argv], ...hc };
    } catch { /* the shell form */ }
  }
  return { Test: ['CMD-SHELL', args], ...hc };
}
