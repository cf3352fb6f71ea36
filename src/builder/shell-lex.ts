// The Dockerfile's word processing (moby's shell lexer): quotes, the escape character and variable
// substitution ($var, ${var}, ${var:-word}, ${var-word}, ${var:+word}, ${var+word}, ${var:?msg}),
// for the instructions that expand variables (FROM, COPY, ADD, ENV, LABEL, WORKDIR, USER, ...).
import { InvalidParameterError } from '../errdefs/index.js';

export type Env = ReadonlyMap<string, string>;

/** Env as a map from `KEY=value` strings (later entries win). */
export function envMap(...lists: (readonly string[] | null | undefined)[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const list of lists) {
    for (const kv of list ?? []) {
      const i = kv.indexOf('=');
      if (i < 0) m.set(kv, '');
      else m.set(kv.slice(0, i), kv.slice(i + 1));
    }
  }
  return m;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Lexer {
  private i = 0;
  constructor(private readonly s: string, private readonly env: Env, private readonly escape: string) {}

  private peek(): string { return this.s[this.i] ?? ''; }
  private eof(): boolean { return this.i >= this.s.length; }

  /** Words split on unquoted whitespace (split=true) or one word (split=false). */
  run(split: boolean): string[] {
    const words: string[] = [];
    let cur = '';
    let started = false;
    while (!this.eof()) {
      const c = this.peek();
      if (split && /\s/.test(c)) {
        this.i++;
        if (started) words.push(cur);
        cur = ''; started = false;
        continue;
      }
      if (c === this.escape) {
        this.i++;
        if (this.eof()) { cur += c; started = true; break; }
        cur += this.s[this.i++]; started = true;
        continue;
      }
      if (c === "'") { this.i++; cur += this.single(); started = true; continue; }
      if (c === '"') { this.i++; cur += this.double(); started = true; continue; }
      if (c === '$') {
        const v = this.dollar();
        cur += v;
        // an unquoted expansion that is empty makes no word by itself
        if (v !== '') started = true;
        continue;
      }
      cur += c; this.i++; started = true;
    }
    if (started || !split) words.push(cur);
    return words;
  }

  private single(): string {
    const end = this.s.indexOf("'", this.i);
    if (end < 0) throw new InvalidParameterError('unexpected end of statement while looking for matching single-quote');
    const v = this.s.slice(this.i, end);
    this.i = end + 1;
    return v;
  }

  private double(): string {
    let v = '';
    for (;;) {
      if (this.eof()) throw new InvalidParameterError('unexpected end of statement while looking for matching double-quote');
      const c = this.s[this.i] as string;
      if (c === '"') { this.i++; return v; }
      if (c === '$') { v += this.dollar(); continue; }
      if (c === this.escape) {
        const n = this.s[this.i + 1] ?? '';
        if (n === '"' || n === '$' || n === this.escape) { v += n; this.i += 2; continue; }
      }
      v += c; this.i++;
    }
  }

  private name(): string {
    let n = '';
    while (!this.eof() && NAME_CHAR.test(this.peek())) n += this.s[this.i++];
    return n;
  }

  private dollar(): string {
    this.i++; // $
    const c = this.peek();
    if (c === '{') {
      this.i++;
      const name = this.name();
      if (!name) throw new InvalidParameterError(`bad substitution: \${${this.peek()}`);
      const val = this.env.get(name);
      if (this.peek() === '}') { this.i++; return val ?? ''; }
      let op = this.s[this.i++] ?? '';
      if (op === ':') op += this.s[this.i++] ?? '';
      const word = this.modifierWord();
      switch (op) {
        case ':-': return val ? val : word;
        case '-': return val !== undefined ? val : word;
        case ':+': return val ? word : '';
        case '+': return val !== undefined ? word : '';
        case ':?': if (!val) throw new InvalidParameterError(`${name}: ${word || 'is not allowed to be unset'}`); return val;
        case '?': if (val === undefined) throw new InvalidParameterError(`${name}: ${word || 'is not allowed to be unset'}`); return val;
        default: throw new InvalidParameterError(`unsupported modifier (${op}) in substitution`);
      }
    }
    if (NAME_START.test(c)) return this.env.get(this.name()) ?? '';
    return '$';
  }

  /** The word after a modifier, up to the matching `}`, itself expanded. */
  private modifierWord(): string {
    let depth = 0;
    const start = this.i;
    for (; !this.eof(); this.i++) {
      const c = this.s[this.i];
      if (c === this.escape) { this.i++; continue; }
      if (c === '{') depth++;
      if (c === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (this.eof()) throw new InvalidParameterError('syntax error: missing \'}\'');
    const raw = this.s.slice(start, this.i);
    this.i++; // }
    return new Lexer(raw, this.env, this.escape).run(false)[0] ?? '';
  }
}

/** One word with quotes removed and variables expanded. */
export function processWord(word: string, env: Env, escape = '\\'): string {
  return new Lexer(word, env, escape).run(false)[0] ?? '';
}

/** Words split on unquoted whitespace, each with quotes removed and variables expanded. */
export function processWords(text: string, env: Env, escape = '\\'): string[] {
  return new Lexer(text, env, escape).run(true);
}
