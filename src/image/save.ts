// `docker save` (GET /images/{name}/get, GET /images/get?names=…): the archive dockerd 20.10 writes —
// one directory per layer (VERSION, json, layer.tar), <config hex>.json, manifest.json and the legacy
// `repositories` file — loadable by dockerd and by berthd. Names are resolved (and errors thrown)
// before the first byte; the archive is then streamed, layers uncompressed from the content store.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { InvalidParameterError, NotFoundError } from '../errdefs/errors.js';
import { waitForDrain } from '../internal/stream-pumps.js';
import type { ImageStore } from './image-store.js';
import { isFullHexId, isSha256Digest, parseNormalizedNamed, type Reference } from './reference.js';
import type { ImageLayer, ImageRecord } from './types.js';

interface SaveEntry {
  image: ImageRecord;
  refs: Reference[];
}

export interface SavePlan {
  entries: SaveEntry[];
}

/** dockerd's parseNames: a repository name means all its tags; an ID or ID prefix means no tags. */
export function planSave(store: ImageStore, names: readonly string[]): SavePlan {
  const byId = new Map<string, SaveEntry>();
  const add = (image: ImageRecord, ref?: Reference): void => {
    let e = byId.get(image.id);
    if (!e) byId.set(image.id, (e = { image, refs: [] }));
    if (ref && !e.refs.some((r) => r.toString() === ref.toString())) e.refs.push(ref);
  };
  for (const name of names) {
    if (isFullHexId(name) || isSha256Digest(name)) {
      add(store.resolve(name));
      continue;
    }
    let ref: Reference | undefined;
    try {
      ref = parseNormalizedNamed(name);
    } catch {
      ref = undefined; // an ID prefix such as "3f57d9401f8d"? resolve() below decides
    }
    if (ref && ref.tag === undefined && ref.digest === undefined) {
      const tagged = store.list().flatMap((img) => img.repoTags.map((t) => ({ img, r: parseNormalizedNamed(t) })));
      const matches = tagged.filter(({ r }) => r.name() === ref.name());
      for (const { img, r } of matches) add(img, r);
      if (matches.length === 0) add(resolveNameOnly(store, name, ref));
      continue;
    }
    const img = store.resolve(name);
    add(img, ref && ref.digest === undefined && ref.tag !== undefined && img.repoTags.includes(ref.toString()) ? ref : undefined);
  }
  for (const e of byId.values()) {
    if (e.image.layers.length === 0) throw new InvalidParameterError('empty export - not implemented');
  }
  return { entries: [...byId.values()] };
}

/**
 * A repository name without tags may still be an ID prefix; when it is neither, the error names the
 * repository as given, without a default tag ("No such image: nope"): dockerd's image-store Search
 * and moby's containerd exporter (ErrImageDoesNotExist of the name-only reference) both say so.
 */
function resolveNameOnly(store: ImageStore, name: string, ref: Reference): ImageRecord {
  try {
    return store.resolve(name);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(`No such image: ${ref.familiarString()}`, { cause: err });
    throw err;
  }
}

const sha256Hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** A v1 layer ID as dockerd's v1.CreateID computes it: the v1 JSON plus layer_id and parent, keys sorted. */
function v1Id(v1: Record<string, unknown>, chainId: string, parent: string | undefined): string {
  const withIds: Record<string, unknown> = { ...v1, layer_id: chainId, ...(parent ? { parent: `sha256:${parent}` } : {}) };
  delete withIds.id;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(withIds).sort()) sorted[k] = withIds[k];
  return sha256Hex(JSON.stringify(sorted));
}

/** The image's V1Image part (config minus rootfs/history), as the top layer's json carries it. */
function v1Image(img: ImageRecord): Record<string, unknown> {
  const { rootfs: _r, history: _h, ...rest } = img.config;
  void _r; void _h;
  return rest;
}

interface LayerDir {
  id: string;
  json: Buffer;
  layer: ImageLayer;
}

function layerDirs(img: ImageRecord): LayerDir[] {
  const dirs: LayerDir[] = [];
  let parent: string | undefined;
  img.layers.forEach((layer, i) => {
    const top = i === img.layers.length - 1;
    const base: Record<string, unknown> = top ? v1Image(img) : { created: '1970-01-01T00:00:00Z' };
    const id = v1Id(base, layer.chainId, parent);
    const json: Record<string, unknown> = { id, ...(parent ? { parent } : {}), ...base, ...(img.config.os ? { os: img.config.os } : {}) };
    dirs.push({ id, json: Buffer.from(JSON.stringify(json)), layer });
    parent = id;
  });
  return dirs;
}

async function* layerTarStream(store: ImageStore, layer: ImageLayer): AsyncGenerator<Buffer> {
  const blob = store.content.read(layer.blobDigest);
  if (!/gzip/.test(layer.mediaType)) {
    yield* blob;
    return;
  }
  const gunzip = zlib.createGunzip();
  const feed = (async () => {
    try {
      for await (const chunk of blob) if (!gunzip.write(chunk)) await once(gunzip, 'drain');
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  for await (const chunk of gunzip) yield chunk as Buffer;
  await feed;
}

type Pack = ReturnType<typeof tar.pack>;

function addBuffer(pack: Pack, name: string, data: Buffer, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mtime, mode: 0o644 }, data, (err) => (err ? reject(err) : resolve())).on('error', reject);
  });
}

function addDir(pack: Pack, name: string, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, type: 'directory', mtime, mode: 0o755 }, (err) => (err ? reject(err) : resolve())).on('error', reject);
  });
}

function addSymlink(pack: Pack, name: string, linkname: string, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, type: 'symlink', linkname, mtime, mode: 0o777 }, (err) => (err ? reject(err) : resolve())).on('error', reject);
  });
}

async function addStream(pack: Pack, name: string, size: number, data: AsyncIterable<Buffer>, mtime: Date): Promise<void> {
  let written = 0;
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mtime, mode: 0o644 }, (err) => (err ? reject(err) : resolve()));
    // a client that goes away destroys the pack and its entry: that is a rejection, not a crash
    entry.on('error', reject);
    void (async () => {
      try {
        for await (const chunk of data) {
          written += chunk.length;
          if (written > size) throw new Error(`layer ${name} is larger than recorded (${size} bytes)`);
          if (!entry.write(chunk)) await once(entry as unknown as NodeJS.EventEmitter, 'drain');
        }
        if (written !== size) throw new Error(`layer ${name} has ${written} bytes, expected ${size}`);
        entry.end(() => undefined);
      } catch (err) {
        entry.destroy(err as Error);
        reject(err);
      }
    })();
  });
}

/** Writes the archive for `plan` to `out` (ended when done). */
export async function writeSaveArchive(store: ImageStore, plan: SavePlan, out: Writable, signal?: AbortSignal): Promise<void> {
  const pack = tar.pack();
  pack.on('error', () => undefined); // surfaced through the entries and the copy below
  // Copied by hand rather than piped: a client that goes away must end this, not crash the daemon.
  const copied = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) {
      if (out.destroyed) throw new Error('client went away');
      if (!out.write(chunk)) await waitForDrain(out);
    }
    out.end();
  })();
  copied.catch(() => undefined);
  out.once('close', () => {
    if (!out.writableFinished) pack.destroy();
  });
  const files = new Map<string, (p: Pack) => Promise<void>>();
  /** diff ID → the layer directory that holds its layer.tar, in the order they are written */
  const layerFiles = new Map<string, string>();
  const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, refs } of plan.entries) {
    const created = new Date(Date.parse(image.created) || 0);
    const dirs = layerDirs(image);
    for (const d of dirs) {
      if (files.has(d.id)) continue;
      files.set(d.id, async (p) => {
        await addDir(p, `${d.id}/`, created);
        await addBuffer(p, `${d.id}/VERSION`, Buffer.from('1.0'), created);
        await addBuffer(p, `${d.id}/json`, d.json, created);
        const first = layerFiles.get(d.layer.diffId);
        if (first) {
          // dockerd links a layer that appears again (same diff ID on another chain) to its first copy
          await addSymlink(p, `${d.id}/layer.tar`, `../${first}/layer.tar`, created);
          return;
        }
        layerFiles.set(d.layer.diffId, d.id);
        await addStream(p, `${d.id}/layer.tar`, d.layer.diffSize, layerTarStream(store, d.layer), created);
      });
    }
    const hex = image.id.slice('sha256:'.length);
    files.set(`${hex}.json`, async (p) => {
      const chunks: Buffer[] = [];
      for await (const c of store.content.read(image.id)) chunks.push(c);
      await addBuffer(p, `${hex}.json`, Buffer.concat(chunks), created);
    });
    const top = dirs[dirs.length - 1] as LayerDir;
    for (const r of refs) (repositories[r.familiarName()] ??= {})[r.tag as string] = top.id;
    manifest.push({ Config: `${hex}.json`, RepoTags: refs.length ? refs.map((r) => r.familiarString()) : null, Layers: dirs.map((d) => `${d.id}/layer.tar`) });
  }
  const now = new Date();
  files.set('manifest.json', (p) => addBuffer(p, 'manifest.json', Buffer.from(JSON.stringify(manifest)), now));
  if (Object.keys(repositories).length) {
    files.set('repositories', (p) => addBuffer(p, 'repositories', Buffer.from(JSON.stringify(repositories)), now));
  }
  try {
    // dockerd tars a directory: entries come in lexical order
    for (const name of [...files.keys()].sort()) {
      signal?.throwIfAborted();
      await (files.get(name) as (p: Pack) => Promise<void>)(pack);
    }
    pack.finalize();
  } catch (err) {
    pack.destroy();
    out.destroy();
    throw err;
  }
  await copied;
}

