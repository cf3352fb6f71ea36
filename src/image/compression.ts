// Compression detection by magic bytes, as dockerd's archive.DetectCompression does: archives and
// layers say what they are in their first bytes, not in their names or declared media types.
import { createHash, type Hash } from 'node:crypto';
import zlib from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

/** Bytes needed to recognise every supported magic. */
export const MAGIC_LENGTH = 6;

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

export interface FileDigests {
  /** sha256 of the bytes as given */
  digest: string;
  size: number;
  compression: Compression;
  /** for gzip data: sha256 and length of the decompressed bytes, or why decompression failed */
  uncompressed?: { digest: string; size: number } | { error: string };
}

/**
 * Digests bytes as they stream past: the raw sha256 (a blob's digest) and, for gzip data, the sha256
 * of the decompressed stream (a layer's diff ID) — so a layer is read once, while it is extracted.
 */
export class StreamDigester {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  private compression: Compression | undefined;
  private gunzip: GunzipDigester | undefined;

  async update(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.compression === undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < MAGIC_LENGTH) return;
      await this.decide();
      return;
    }
    if (this.gunzip) await this.gunzip.write(chunk);
  }

  private async decide(): Promise<void> {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.compression = detectCompression(head);
    if (this.compression === 'gzip') {
      this.gunzip = new GunzipDigester();
      await this.gunzip.write(head);
    }
  }

  async finish(): Promise<FileDigests> {
    if (this.compression === undefined) await this.decide();
    const out: FileDigests = {
      digest: `sha256:${this.hash.digest('hex')}`,
      size: this.size,
      compression: this.compression ?? 'none',
    };
    if (this.gunzip) out.uncompressed = await this.gunzip.end();
    return out;
  }
}

class GunzipDigester {
  private readonly gunzip = zlib.createGunzip();
  private readonly hash = createHash('sha256');
  private size = 0;
  private error: Error | undefined;
  private readonly done: Promise<void>;

  constructor() {
    this.gunzip.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.size += chunk.length;
    });
    this.done = new Promise<void>((resolve) => {
      this.gunzip.once('end', resolve);
      this.gunzip.once('error', (err: Error) => {
        this.error = err;
        resolve();
      });
    });
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.error) return;
    // Wait for drain (or failure) so a fast producer cannot pile decompression work up in memory.
    if (!this.gunzip.write(chunk)) {
      await Promise.race([new Promise<void>((resolve) => this.gunzip.once('drain', resolve)), this.done]);
    }
  }

  async end(): Promise<{ digest: string; size: number } | { error: string }> {
    if (!this.error) this.gunzip.end();
    await this.done;
    if (this.error) return { error: this.error.message };
    return { digest: `sha256:${this.hash.digest('hex')}`, size: this.size };
  }
}
