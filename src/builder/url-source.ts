// ADD <url>: the file downloaded into a private directory (mode 0600, its mtime from Last-Modified,
// named after the URL's last path segment) so that it is copied like a context file, never unpacked.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidParameterError } from '../errdefs/index.js';

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** Downloads `url` into `dir`; returns the file's name there. */
export async function download(url: string, dir: string, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    throw new InvalidParameterError(`failed to GET ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok || !res.body) throw new InvalidParameterError(`failed to GET ${url} with status ${res.status} ${res.statusText}: ${await res.text().catch(() => '')}`.trim());
  let name = path.posix.basename(new URL(url).pathname);
  if (!name || name === '/' || name === '.') name = '__unnamed__';
  const file = path.join(dir, name);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), fs.createWriteStream(file, { mode: 0o600 }));
  fs.chmodSync(file, 0o600);
  const modified = Date.parse(res.headers.get('last-modified') ?? '');
  if (!Number.isNaN(modified)) fs.utimesSync(file, new Date(modified), new Date(modified));
  return name;
}
