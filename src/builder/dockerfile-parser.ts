// The Dockerfile's syntax: parser directives (`# escape=`, `# syntax=` which the classic builder
// ignores), comments, line continuations, instruction keywords, leading `--flag=value` tokens and the
// JSON (exec) form. What each instruction means is the dispatcher's; this module only splits text.
import { InvalidParameterError } from '../errdefs/index.js';

export const INSTRUCTIONS = new Set([
  'from', 'run', 'cmd', 'label', 'maintainer', 'expose', 'env', 'add', 'copy', 'entrypoint', 'volume',
  'user', 'workdir', 'arg', 'onbuild', 'stopsignal', 'healthcheck', 'shell',
]);

export interface Instruction {
  /** lowercase keyword */
  cmd: string;
  /** the instruction as written, continuations joined (shown in `Step n/m : ...`) */
  original: string;
  /** 1-based line the instruction starts on */
  line: number;
  /** leading `--name=value` tokens, as name → value ('' when no `=`) */
  flags: Map<string, string>;
  /** the argument text after the flags */
  rest: string;
  /** the arguments when written in the JSON (exec) form */
  json?: string[];
  /** ONBUILD's wrapped instruction */
  inner?: Instruction;
}

export interface Dockerfile {
  escape: string;
  instructions: Instruction[];
  /** texts the classic builder prints before building (e.g. about `# syntax=`) */
  warnings: string[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

export class DockerfileParseError extends InvalidParameterError {
  constructor(line: number, message: string) {
    super(`dockerfile parse error line ${line}: ${message}`);
  }
}

/** A JSON array of strings, or undefined when the text is not one (then it is the shell form). */
export function parseJsonArray(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[')) return undefined;
  let v: unknown;
  try { v = JSON.parse(t); } catch { return undefined; }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return undefined;
  return v as string[];
}

/** Splits leading `--name[=value]` tokens off an argument text. */
function splitFlags(text: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = text;
  for (;;) {
    const m = /^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    flags.set(m[1] as string, m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** One logical line (continuations joined) made into an instruction. */
export function parseInstruction(text: string, line: number): Instruction {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  if (!m) throw new DockerfileParseError(line, 'empty instruction');
  const keyword = m[1] as string;
  const cmd = keyword.toLowerCase();
  if (!INSTRUCTIONS.has(cmd)) throw new DockerfileParseError(line, `unknown instruction: ${keyword.toUpperCase()}`);
  const args = (m[2] as string).trim();
  const original = text.trim();
  if (cmd === 'onbuild') {
    if (!args) throw new DockerfileParseError(line, 'ONBUILD requires at least one argument');
    const inner = parseInstruction(args, line);
    if (inner.cmd === 'onbuild') throw new DockerfileParseError(line, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
    if (inner.cmd === 'from' || inner.cmd === 'maintainer') throw new DockerfileParseError(line, `${inner.cmd.toUpperCase()} isn't allowed as an ONBUILD trigger`);
    return { cmd, original, line, flags: new Map(), rest: args, inner };
  }
  const { flags, rest } = splitFlags(args);
  const json = parseJsonArray(rest);
  return { cmd, original, line, flags, rest: rest.trim(), ...(json ? { json } : {}) };
}

export function parseDockerfile(source: string): Dockerfile {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  const warnings: string[] = [];
  let i = 0;
  // parser directives: only before anything else (a blank line or other comment ends them)
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] as string);
    if (!m) break;
    const name = (m[1] as string).toLowerCase();
    if (seen.has(name)) throw new DockerfileParseError(i + 1, `only one ${name} parser directive can be used`);
    seen.add(name);
    const value = m[2] as string;
    if (name === 'escape') {
      if (value !== '\\' && value !== '`') throw new DockerfileParseError(i + 1, `invalid ESCAPE '${value}'. Must be \` or \\`);
      escape = value;
    } else if (name !== 'syntax' && name !== 'check') {
      // unknown directives are comments
      break;
    }
  }
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  for (; i < lines.length; i++) {
    const raw = lines[i] as string;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) continue;
    if (!pending && trimmed === '') continue;
    if (pending && trimmed === '') continue;
    if (!pending) start = i + 1;
    const cont = new RegExp(`${escape === '\\' ? '\\\\' : escape}[ \\t]*$`);
    // continuation lines keep their leading whitespace (moby joins them as they are)
    const text = pending ? raw : raw.replace(/^\s+/, '');
    if (cont.test(text)) {
      pending += text.replace(cont, '');
      continue;
    }
    pending += text;
    instructions.push(parseInstruction(pending, start));
    pending = '';
  }
  if (pending.trim()) instructions.push(parseInstruction(pending, start));
  return { escape, instructions, warnings };
}
