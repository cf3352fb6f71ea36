// The "Example request" blocks of the reference API docs (the Markdown ones, v1.12–v1.24): method,
// path, headers and JSON body as printed. The docs are the specification, so their examples are
// sent to both engines as they are, after only the substitutions that point them at our fixtures.
import fs from 'node:fs';

export interface DocExample {
  version: string;
  method: string;
  /** path without the version prefix, query kept */
  path: string;
  headers: Record<string, string>;
  /** parsed JSON body, when the example has one */
  body?: unknown;
  /** body text that is not JSON (placeholders such as "{{ TAR STREAM }}") */
  rawBody?: string;
  line: number;
}

const REQUEST_LINE = /^\s+(GET|POST|DELETE|PUT|HEAD)\s+(\/\S*)(\s+HTTP\/1\.[01])?\s*$/;

export function parseDocExamples(markdown: string, version: string): DocExample[] {
  const lines = markdown.split('\n');
  const out: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\*\*Example request/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim()) j++;
    const m = REQUEST_LINE.exec(lines[j] ?? '');
    if (!m) continue;
    const line = j + 1;
    const indent = /^\s*/.exec(lines[j]!)![0].length;
    const headers: Record<string, string> = {};
    j++;
    for (; j < lines.length && /^\s+[\w-]+:\s*\S/.test(lines[j]!) && !/^\s+[{[]/.test(lines[j]!); j++) {
      const h = /^\s+([\w-]+):\s*(.*)$/.exec(lines[j]!)!;
      headers[h[1]!] = h[2]!.trim();
    }
    // the body: the rest of the indented block (blank lines inside it allowed)
    const bodyLines: string[] = [];
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() && !/^\s/.test(l)) break;
      bodyLines.push(l.slice(Math.min(indent, /^\s*/.exec(l)![0].length)));
    }
    const text = bodyLines.join('\n').trim();
    const path = m[2]!.replace(/^\/v1\.\d+/, '');
    const ex: DocExample = { version, method: m[1]!, path, headers, line };
    if (text) {
      try { ex.body = JSON.parse(text) as unknown; } catch { ex.rawBody = text; }
    }
    out.push(ex);
    i = j - 1;
  }
  return out;
}

export function loadDocExamples(dir: string, versions: string[]): DocExample[] {
  return versions.flatMap((v) => {
    const file = `${dir}/v${v}.md`;
    return fs.existsSync(file) ? parseDocExamples(fs.readFileSync(file, 'utf8'), v) : [];
  });
}
