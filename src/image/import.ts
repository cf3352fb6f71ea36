// `docker import` (POST /images/create?fromSrc=-): a filesystem tar (maybe gzip'd) becomes a
// one-layer image, with `--change` instructions and a message, as dockerd's ImportImage does. The
// layer is stored uncompressed, like dockerd's layer store keeps it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { InvalidParameterError } from '../errdefs/errors.js';
import { applyChanges } from './changes.js';
import { DOCKER_VERSION, putImageConfig } from './commit.js';
import { MAGIC_LENGTH, detectCompression } from './compression.js';
import type { ImageStore } from './image-store.js';
import { unpackLayer } from './layer-unpack.js';
import { hostPlatform } from './load-plan.js';
import { parseNormalizedNamed, type Reference } from './reference.js';
import { MEDIA_TYPES, type ImageConfigFile } from './types.js';

export interface ImportOptions {
  repo?: string;
  tag?: string;
  message?: string;
  changes: string[];
  signal?: AbortSignal;
}

/** Validates the target name first (dockerd does, before reading the body). */
export function importTarget(repo: string | undefined, tag: string | undefined): Reference | undefined {
  if (!repo) return undefined;
  let ref = parseNormalizedNamed(repo);
  if (ref.digest !== undefined) throw new InvalidParameterError('cannot import digest reference');
  if (tag) ref = ref.withTag(tag);
  return ref.withDefaultTag();
}

/** The body's bytes, gunzipped when they start with gzip's magic (other compressions are refused). */
async function* decompressed(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < MAGIC_LENGTH) {
    const r = await it.next();
    if (r.done) break;
    head = Buffer.concat([head, r.value]);
  }
  const kind = detectCompression(head);
  if (kind !== 'none' && kind !== 'gzip') throw new InvalidParameterError(`unsupported compression format ${kind}`);
  async function* raw(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  if (kind === 'none') yield* raw();
  else for await (const chunk of Readable.from(raw()).pipe(zlib.createGunzip())) yield chunk as Buffer;
}

/** The first 512 bytes must be a tar header (checksum right) or the zero block of an empty tar. */
function checkTarHeader(file: string): void {
  const fd = fs.openSync(file, 'r');
  const block = Buffer.alloc(512);
  try {
    fs.readSync(fd, block, 0, 512, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (block.every((b) => b === 0)) return;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  const recorded = parseInt(block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8);
  if (recorded !== sum) throw new InvalidParameterError('archive/tar: invalid tar header');
}

export async function importImage(store: ImageStore, body: Readable, options: ImportOptions): Promise<string> {
  const target = importTarget(options.repo, options.tag);
  const config = applyChanges({}, options.changes);
  const tmpRoot = path.join(store.dataRoot, 'tmp');
  await fs.promises.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  const dir = await fs.promises.mkdtemp(path.join(tmpRoot, 'import-'));
  try {
    const file = path.join(dir, 'layer.tar');
    const hash = createHash('sha256');
    let size = 0;
    const digest = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(Readable.from(decompressed(body)), digest, fs.createWriteStream(file), ...(options.signal ? [{ signal: options.signal }] : []));
    if (size === 0) throw new InvalidParameterError('EOF');
    checkTarHeader(file);
    const diffId = `sha256:${hash.digest('hex')}`;
    let layer;
    try {
      layer = await unpackLayer(store, {
        file: { name: '-', path: file, digest: diffId, size, compression: 'none' },
        diffId, chainId: diffId, parentChainId: undefined, mediaType: MEDIA_TYPES.dockerLayer,
        blobDigest: diffId, blobSize: size, diffSize: size,
      }, options.signal ? { signal: options.signal } : {});
    } catch (err) {
      // the blob went in before the unpack failed: nothing else holds it
      await store.releaseBlob(diffId);
      // a truncated or malformed tar is the client's, not a server failure
      const message = (err as Error).message ?? '';
      if (/unexpected EOF|archive\/tar/.test(message)) throw new InvalidParameterError(message.replace(/^.*: (?=unexpected EOF|archive\/tar)/, ''), { cause: err });
      throw err;
    }
    const created = new Date().toISOString();
    const message = options.message || 'Imported from -';
    const imageConfig: ImageConfigFile = {
      architecture: hostPlatform().architecture,
      comment: message,
      config,
      container_config: {},
      created,
      docker_version: DOCKER_VERSION,
      history: [{ created, comment: message }],
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [diffId] },
    };
    const { id } = await putImageConfig(store, imageConfig, [layer]);
    if (target) store.tag(id, target.toString());
    return id;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
