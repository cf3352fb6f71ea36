// dockerd's DecompressStream for PUT .../archive: the body may be a plain tar or gzip, bzip2 or xz
// (and zstd) compressed, told apart by magic bytes. gzip uses Node's zlib; the others the Debian
// tools (bzip2, xz-utils, zstd), which read stdin and write stdout.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { MAGIC_LENGTH, detectCompression } from '../image/compression.js';

const TOOLS: Record<'bzip2' | 'xz' | 'zstd', string> = { bzip2: 'bzip2', xz: 'xz', zstd: 'zstd' };

/** Reads at least `n` bytes (fewer at the end of the stream) and puts them back with unshift. */
async function peek(body: Readable, n: number): Promise<Buffer> {
  const got: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const chunk = body.read() as Buffer | null;
    if (chunk !== null) { got.push(chunk); length += chunk.length; continue; }
    if (body.readableEnded || body.destroyed) break;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => { body.off('readable', done); body.off('end', done); body.off('close', done); body.off('error', fail); resolve(); };
      const fail = (err: Error): void => { done(); reject(err); };
      body.once('readable', done).once('end', done).once('close', done).once('error', fail);
    });
  }
  const head = Buffer.concat(got, length);
  if (length > 0) body.unshift(head);
  return head;
}

/**
 * The body decompressed. Its first bytes are peeked and put back on the stream itself, which is
 * returned as it is when not compressed: no copy of the stream on the way (a wrapper stream cost
 * as much as the tar parsing did).
 */
export async function decompressStream(body: Readable): Promise<Readable> {
  const first = await peek(body, MAGIC_LENGTH);
  const replay = body;
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
