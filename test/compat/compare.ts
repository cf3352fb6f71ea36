// Pure comparison of one exchange as answered by berthd and by dockerd: status, the headers
// clients look at, the body's shape (key sets and JSON value types, recursively) and the values
// that must agree (error messages, and the paths a case names). Everything that differs between
// two correct engines by nature (IDs, times, sizes, durations) is normalised first. Each returned
// string is one difference, written "what: berthd … / dockerd …".

export interface Observed {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** the deadline cut the body: it is a prefix, only its presence and kind are comparable */
  cut: boolean;
  error?: string;
}

export interface CompareOptions {
  /** JSON paths whose values must be equal after normalisation: `State.Status`, `[].Names`, `Warnings` */
  values?: string[];
  /** how to compare a non-JSON body: as normalised text, or only whether there is one */
  text?: 'equal' | 'presence';
}

export interface CliObserved { code: number; stdout: string; stderr: string; cut: boolean }

/** Replaces what legitimately differs between two engines with placeholders. */
export function normaliseText(s: string): string {
  return s
    // the engines' temporary roots (paths in inspect output)
    .replace(/\/tmp\/compat-[A-Za-z0-9]+\/(berth|docker)\//g, '<root>/')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<id>')
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<id12>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<time>')
    // docker CLI durations: "Up 3 seconds", "Less than a second ago", "About a minute ago"
    .replace(/\b(About |Less than )?(an?|\d+) (second|minute|hour|day|week|month|year)s?\b/g, '<dur>')
    .replace(/\b\d+(\.\d+)?\s?(B|kB|KB|MB|GB|KiB|MiB|GiB)\b/g, '<size>');
}

/** CLI output: normalised text, table columns (runs of spaces) collapsed, trailing blanks dropped. */
export function normaliseCli(s: string): string {
  return normaliseText(s).split('\n').map((l) => l.replace(/ {2,}/g, '  ').trimEnd()).join('\n').trimEnd();
}

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as Kind;
}

function describe(v: unknown): string {
  const k = kindOf(v);
  if (k === 'array') return (v as unknown[]).length ? 'array' : 'empty array';
  if (k === 'object') return Object.keys(v as object).length ? 'object' : 'empty object';
  return k;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Differences in shape: key sets, value types; arrays compared element by element (paths `x[]`). */
export function diffShape(a: unknown, b: unknown, path = ''): string[] {
  const out = new Set<string>();
  walk(a, b, path, out);
  return [...out];
}

function walk(a: unknown, b: unknown, path: string, out: Set<string>): void {
  const ka = kindOf(a); const kb = kindOf(b);
  const at = path || 'body';
  if (ka !== kb) { out.add(`${at}: berthd ${describe(a)} / dockerd ${describe(b)}`); return; }
  if (ka === 'object') {
    const oa = a as Record<string, unknown>; const ob = b as Record<string, unknown>;
    const onlyA = Object.keys(oa).filter((k) => !(k in ob)).sort();
    const onlyB = Object.keys(ob).filter((k) => !(k in oa)).sort();
    if (onlyA.length) out.add(`${at}: keys only in berthd: ${onlyA.join(', ')}`);
    if (onlyB.length) out.add(`${at}: keys only in dockerd: ${onlyB.join(', ')}`);
    for (const k of Object.keys(oa)) if (k in ob) walk(oa[k], ob[k], join(path, k), out);
  } else if (ka === 'array') {
    const xa = a as unknown[]; const xb = b as unknown[];
    if (!xa.length !== !xb.length) { out.add(`${at}: berthd ${describe(a)} / dockerd ${describe(b)}`); return; }
    for (let i = 0; i < Math.min(xa.length, xb.length); i++) walk(xa[i], xb[i], `${path}[]`, out);
  }
}

/** The values at a path; `[]` steps into every element of an array. */
export function valuesAt(v: unknown, path: string): unknown[] {
  let cur: unknown[] = [v];
  for (const step of path.split('.').flatMap((s) => s.split(/(?=\[\])|(?<=\[\])/)).filter(Boolean)) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (step === '[]') { if (Array.isArray(c)) next.push(...c); } else if (c !== null && typeof c === 'object' && !Array.isArray(c) && step in c) {
        next.push((c as Record<string, unknown>)[step]);
      }
    }
    cur = next;
  }
  return cur;
}

function normaliseValue(v: unknown): string {
  return normaliseText(JSON.stringify(v) ?? 'undefined');
}

export type Body = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

/** JSON, a JSON stream (one document a line: an array of them), or text. */
export function parseBody(buf: Buffer): Body {
  const text = buf.toString('utf8');
  if (!text.trim()) return { kind: 'empty' };
  try { return { kind: 'json', value: JSON.parse(text) as unknown }; } catch { /* maybe a stream */ }
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length > 1) {
    try { return { kind: 'json', value: lines.map((l) => JSON.parse(l) as unknown) }; } catch { /* text */ }
  }
  return { kind: 'text', text: buf.toString('latin1') };
}

/** Headers whose value must match; `server` only has to be present on both. */
const VALUE_HEADERS = ['content-type', 'api-version', 'ostype', 'docker-experimental', 'upgrade'];

export function diffHeaders(a: Record<string, string>, b: Record<string, string>): string[] {
  const out: string[] = [];
  const norm = (v: string | undefined): string => (v === undefined ? '(none)' : v.toLowerCase().replace(/\s+/g, ''));
  for (const h of VALUE_HEADERS) {
    if (norm(a[h]) !== norm(b[h])) out.push(`header ${h}: berthd ${a[h] ?? '(none)'} / dockerd ${b[h] ?? '(none)'}`);
  }
  if (!a.server !== !b.server) out.push(`header server: berthd ${a.server ?? '(none)'} / dockerd ${b.server ?? '(none)'}`);
  return out;
}

/**
 * A multiplexed stream (8-byte headers: stream, 0, 0, 0, size) as "stdout: …" / "stderr: …": the
 * order of frames across the two streams is a race in both engines, the content of each is not.
 */
export function demux(bytes: string): string {
  const streams = new Map<number, string>();
  let i = 0;
  while (i + 8 <= bytes.length) {
    const id = bytes.charCodeAt(i);
    if (id > 2 || bytes.charCodeAt(i + 1) || bytes.charCodeAt(i + 2) || bytes.charCodeAt(i + 3)) return bytes;
    const size = ((bytes.charCodeAt(i + 4) << 24) >>> 0) + (bytes.charCodeAt(i + 5) << 16) + (bytes.charCodeAt(i + 6) << 8) + bytes.charCodeAt(i + 7);
    streams.set(id, (streams.get(id) ?? '') + bytes.slice(i + 8, i + 8 + size));
    i += 8 + size;
  }
  if (i !== bytes.length) return bytes;
  return [...streams.entries()].sort(([a], [b]) => a - b).map(([id, t]) => `${['stdin', 'stdout', 'stderr'][id]}: ${t}`).join('\n');
}

function clip(s: string, n = 160): string {
  // control bytes shown escaped so that the report stays one line a difference, and text
  const one = s.replace(/\n/g, '\\n').replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

export function compareAnswers(a: Observed, b: Observed, opts: CompareOptions = {}): string[] {
  if (a.status === 0 || b.status === 0) {
    if (a.status === 0 && b.status === 0) return [];
    return [`no answer: berthd ${a.status === 0 ? a.error ?? 'none' : a.status} / dockerd ${b.status === 0 ? b.error ?? 'none' : b.status}`];
  }
  const out: string[] = [];
  if (a.status !== b.status) out.push(`status: berthd ${a.status} / dockerd ${b.status}`);
  out.push(...diffHeaders(a.headers, b.headers));
  const ba = parseBody(a.body); const bb = parseBody(b.body);
  if (a.cut || b.cut) {
    if ((ba.kind === 'empty') !== (bb.kind === 'empty')) out.push(`streamed body: berthd ${ba.kind} / dockerd ${bb.kind}`);
    return out;
  }
  if (ba.kind !== bb.kind) {
    const show = (x: Body): string => (x.kind === 'text' ? `text "${clip(normaliseText(x.text), 100)}"` : x.kind === 'json' ? `json ${describe(x.value)}` : 'empty');
    out.push(`body: berthd ${show(ba)} / dockerd ${show(bb)}`);
    return out;
  }
  if (ba.kind === 'json' && bb.kind === 'json') {
    out.push(...diffShape(ba.value, bb.value));
    const top = [ba.value, bb.value];
    if (top.every(Array.isArray) && (top[0] as unknown[]).length !== (top[1] as unknown[]).length) {
      out.push(`body: berthd ${(top[0] as unknown[]).length} items / dockerd ${(top[1] as unknown[]).length} items`);
    }
    const paths = [...(opts.values ?? []), ...(a.status >= 400 || b.status >= 400 ? ['message'] : [])];
    for (const p of paths) {
      const xa = valuesAt(ba.value, p); const xb = valuesAt(bb.value, p);
      // a path present on one side only is already reported as a key difference
      if (!xa.length || !xb.length) continue;
      const va = xa.map(normaliseValue).join(', ');
      const vb = xb.map(normaliseValue).join(', ');
      if (va !== vb) out.push(`value ${p}: berthd ${clip(va)} / dockerd ${clip(vb)}`);
    }
  } else if (ba.kind === 'text' && bb.kind === 'text') {
    const textual = opts.text === 'equal' || a.status >= 400 || b.status >= 400 || (a.headers['content-type'] ?? '').startsWith('text/');
    if (textual) {
      const ta = normaliseText(demux(ba.text)).trim(); const tb = normaliseText(demux(bb.text)).trim();
      if (ta !== tb) out.push(`text: berthd "${clip(ta)}" / dockerd "${clip(tb)}"`);
    }
  }
  return out;
}

/** The first line where two texts differ, with its number: long outputs stay readable in one line. */
export function firstDifference(a: string, b: string): string {
  const la = a.split('\n'); const lb = b.split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const where = la.length > 1 || lb.length > 1 ? `line ${i + 1}: ` : '';
  return `${where}berthd "${clip(la[i] ?? '(end)')}" / dockerd "${clip(lb[i] ?? '(end)')}"`;
}

export function compareCli(a: CliObserved, b: CliObserved, opts: { numbers?: boolean } = {}): string[] {
  const out: string[] = [];
  const norm = (s: string): string => (opts.numbers ? normaliseCli(s).replace(/\d+/g, '<n>') : normaliseCli(s));
  if (a.cut !== b.cut) out.push(`timed out: berthd ${a.cut} / dockerd ${b.cut}`);
  if (a.code !== b.code) out.push(`exit code: berthd ${a.code} / dockerd ${b.code}`);
  for (const stream of ['stdout', 'stderr'] as const) {
    const ta = norm(a[stream]); const tb = norm(b[stream]);
    if (ta !== tb) out.push(`${stream}: ${firstDifference(ta, tb)}`);
  }
  return out;
}
