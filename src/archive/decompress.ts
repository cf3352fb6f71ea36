// dockerd's DecompressStream for PUT .../archive: the body may be a plain tar or gzip, bzip2 or xz
// (and zstd) compressed, told apart by magic bytes. gzip uses Node's zlib; the others the Debian
// tools (bzip2, xz-utils, zstd), which read stdin and write stdout.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

const TOOLS: Record<'bzip2' | 'xz' | 'zstd', string> = { bzip2: 'bzip2', xz: 'xz', zstd: 'zstd' };

/** The body decompressed; the first bytes are peeked and put back. */
export async function decompressStream(body: AsyncIterable<Buffer>): Promise<Readable> {
  const it = body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 6) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    head.push(r.value);
    length += r.value.length;
  }
  const first = Buffer.concat(head);
  const replay = Readable.from((async function* () {
    if (first.length > 0) yield first;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })());
  const kind = detectCompression(first);
  if (kind === 'none') return replay;
  if (kind === 'gzip') return replay.pipe(zlib.createGunzip());
  const child = spawn(TOOLS[kind], ['-d', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  replay.pipe(child.stdin);
  // a broken stdin (the tool gave up) surfaces as the tool's exit, below
  child.stdin.on('error', () => undefined);
  child.on('error', (err) => child.stdout.destroy(err));
  child.on('close', (code) => {
    if (code !== 0) child.stdout.destroy(new Error(stderr.trim() || `${TOOLS[kind]} exited with ${String(code)}`));
  });
  return child.stdout;
}
