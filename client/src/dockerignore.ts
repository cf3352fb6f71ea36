// .dockerignore patterns as the docker CLI applies them to a build context: paths relative to the
// context, `*` and `?` within one path component, `**` across components, `!` re-includes, the
// last matching pattern wins, and a pattern that matches a directory excludes what is below it.

interface Pattern {
  regex: RegExp;
  exclusion: boolean;
}

function cleanPattern(p: string): string {
  const parts: string[] = [];
  for (const part of p.replace(/^\/+/, '').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop(); else parts.push(part);
  }
  return parts.join('/');
}

function toRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else { re += pattern.slice(i, end + 1).replace(/^\[!/, '[^'); i = end; }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class DockerIgnore {
  private readonly patterns: Pattern[];

  constructor(text: string) {
    this.patterns = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((line) => {
      const exclusion = line.startsWith('!');
      const cleaned = cleanPattern(exclusion ? line.slice(1).trim() : line);
      return { regex: toRegex(cleaned), exclusion };
    }).filter((p) => p.regex.source !== '^$');
  }

  /** Whether `relPath` (`/`-separated, relative to the context) is left out of the context. */
  ignores(relPath: string): boolean {
    const parents = relPath.split('/').map((_, i, all) => all.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const p of this.patterns) {
      // A pattern matches the path itself or any directory above it.
      if (parents.some((candidate) => p.regex.test(candidate))) ignored = !p.exclusion;
    }
    return ignored;
  }

  /** Whether a directory can be skipped without looking inside (no `!` pattern could re-include anything). */
  canSkipDirectory(relPath: string): boolean {
    return this.ignores(relPath) && !this.patterns.some((p) => p.exclusion);
  }
}
