import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { ImageStore } from './image-store.js';
import { chunked, dockerSaveArchive, fakeDeps, layerTar, sha256 } from './image-fakes.js';
import { loadArchive } from './load.js';
import { planSave, writeSaveArchive } from './save.js';

async function untar(buf: Buffer): Promise<Map<string, { type: string; data: Buffer; linkname?: string }>> {
  const out = new Map<string, { type: string; data: Buffer; linkname?: string }>();
  const ex = tar.extract();
  const done = new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); });
  ex.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => { out.set(h.name, { type: h.type ?? 'file', data: Buffer.concat(chunks), ...(h.linkname ? { linkname: h.linkname } : {}) }); next(); });
  });
  ex.end(buf);
  await done;
  return out;
}

test('save writes dockerd\'s layout with uncompressed layers (gzip blobs inflated) and loads back to the same ID', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-save-'));
  try {
    const store = await ImageStore.open(root, fakeDeps());
    const l1 = await layerTar('bin/sh', 'shell');
    const l2 = zlib.gzipSync(await layerTar('etc/passwd', 'root:x:0:0'));
    const { tar: archive, ids } = await dockerSaveArchive([{ layers: [l1, l2], repoTags: ['busybox:latest', 'other:1'] }]);
    await loadArchive(store, chunked(archive));
    assert.throws(() => planSave(store, ['nosuch']), { name: 'NotFoundError', message: 'No such image: nosuch' }); // a name without a tag: no default tag in the text (dockerd)
    assert.throws(() => planSave(store, ['nosuch:1']), { name: 'NotFoundError', message: 'No such image: nosuch:1' });

    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeSaveArchive(store, planSave(store, ['busybox']), out);
    const files = await untar(Buffer.concat(chunks));
    const manifest = JSON.parse(files.get('manifest.json')!.data.toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
    assert.deepEqual(manifest.map((m) => [m.Config, m.RepoTags]), [[`${ids[0]!.slice(7)}.json`, ['busybox:latest']]]);
    assert.deepEqual(JSON.parse(files.get('repositories')!.data.toString()), { busybox: { latest: manifest[0]!.Layers[1]!.split('/')[0] } });
    assert.deepEqual(manifest[0]!.Layers.map((l) => sha256(files.get(l)!.data)), [sha256(l1), sha256(zlib.gunzipSync(l2))]);
    for (const l of manifest[0]!.Layers) assert.equal(files.get(l.replace('layer.tar', 'VERSION'))!.data.toString(), '1.0');
    assert.equal(sha256(files.get(manifest[0]!.Config)!.data), ids[0]);

    // and back: a fresh store loads it to the same image
    const root2 = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-save2-'));
    try {
      const again = await ImageStore.open(root2, fakeDeps());
      const r = await loadArchive(again, chunked(Buffer.concat(chunks)));
      assert.deepEqual(r.loaded, [{ id: ids[0], refs: ['docker.io/library/busybox:latest'] }]);
    } finally {
      fs.rmSync(root2, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
