// A minimal streaming tar (ustar, with PAX headers for long names) for build contexts: regular
// files, directories and symlinks, the way `docker build` sends a directory.
import fs from 'node:fs';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, `/`-separated, no leading `/`. */
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  size: number;
  mtime: Date;
  uid?: number;
  gid?: number;
  linkname?: string;
  /** Where a file's bytes come from. */
  source?: string | Buffer;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, typeflag: string, e: { mode: number; size: number; mtime: Date; uid?: number; gid?: number; linkname?: string }): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(e.uid ?? 0, 8), 108, 'ascii');
  h.write(octal(e.gid ?? 0, 8), 116, 'ascii');
  h.write(octal(e.size, 12), 124, 'ascii');
  h.write(octal(Math.floor(e.mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(typeflag, 156, 'ascii');
  if (e.linkname) h.write(e.linkname, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** A PAX record `LEN key=value\n`, where LEN counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const base = Buffer.byteLength(body);
  let len = base + String(base).length;
  while (base + String(len).length !== len) len = base + String(len).length;
  return `${len}${body}`;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

function* headers(e: TarEntry): Generator<Buffer> {
  const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const typeflag = e.type === 'directory' ? '5' : e.type === 'symlink' ? '2' : '0';
  const size = e.type === 'file' ? e.size : 0;
  const long = Buffer.byteLength(name) > 100 || Buffer.byteLength(e.linkname ?? '') > 100;
  if (long) {
    const records = Buffer.from(paxRecord('path', name) + (e.linkname ? paxRecord('linkpath', e.linkname) : ''));
    yield header(`PaxHeaders/${name.slice(-80)}`, 'x', { mode: 0o644, size: records.length, mtime: e.mtime });
    yield records;
    yield padding(records.length);
  }
  yield header(long ? name.slice(-100) : name, typeflag, { ...e, size });
}

/** The archive's bytes: each entry's header(s), content and padding, then two zero blocks. */
export async function* tarStream(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    yield* headers(e);
    if (e.type !== 'file') continue;
    let written = 0;
    if (Buffer.isBuffer(e.source)) {
      yield e.source;
      written = e.source.length;
    } else if (e.source) {
      for await (const chunk of fs.createReadStream(e.source)) {
        const buf = chunk as Buffer;
        // A file that grew while being read must not overrun the size in its header.
        const part = buf.subarray(0, Math.max(0, e.size - written));
        written += part.length;
        if (part.length) yield part;
      }
    }
    if (written < e.size) yield Buffer.alloc(e.size - written);
    yield padding(e.size);
  }
  yield Buffer.alloc(BLOCK * 2);
}
