import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { chainIds } from './chain-id.js';
import { ImageStore } from './image-store.js';
import { loadArchive, type LoadProgressMessage } from './load.js';
import { buildTar, chunked, dockerSaveArchive, fakeDeps, layerTar, sha256 } from './image-fakes.js';
import { MEDIA_TYPES } from './types.js';

async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-load-'));
  const deps = fakeDeps();
  const store = await ImageStore.open(root, deps);
  const messages: LoadProgressMessage[] = [];
  const load = (tar: Buffer, opts: { quiet?: boolean } = {}) => loadArchive(store, chunked(tar, 4096), { onProgress: (m) => messages.push(m), ...opts });
  const cleanup = () => fs.rmSync(root, { recursive: true, force: true });
  return { root, deps, store, messages, load, cleanup };
}

test('loads a docker save archive into content, snapshots and the store', async () => {
  const t = await setup();
  try {
    const l1 = await layerTar('bin/sh', 'shell');
    const l2 = zlib.gzipSync(await layerTar('etc/passwd', 'root:x:0:0'));
    const { tar, ids } = await dockerSaveArchive([{ layers: [l1, l2], repoTags: ['busybox:latest', 'busybox:1.36'] }]);
    const result = await t.load(tar, { quiet: true });
    const id = ids[0] as string;
    assert.deepEqual(result, { loaded: [{ id, refs: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36'] }] });
    assert.deepEqual(t.messages, [{ stream: 'Loaded image: busybox:latest\n' }, { stream: 'Loaded image: busybox:1.36\n' }]);

    const diffIds = [sha256(l1), sha256(zlib.gunzipSync(l2))];
    const chains = chainIds(diffIds);
    // blobs: both layers and the config
    assert.ok(t.deps.content.blobs.has(sha256(l1)));
    assert.ok(t.deps.content.blobs.has(sha256(l2)));
    assert.equal(t.deps.content.blobs.get(sha256(l2))?.labels['containerd.io/uncompressed'], diffIds[1]);
    assert.ok(t.deps.content.blobs.has(id));
    // snapshots: committed by chain ID, the second on the first
    assert.equal(t.deps.snapshots.snapshots.get(chains[0] as string)?.kind, 'committed');
    assert.equal(t.deps.snapshots.snapshots.get(chains[1] as string)?.parent, chains[0]);
    assert.equal(t.deps.snapshots.snapshots.size, 2, 'no working snapshots left');
    assert.deepEqual(
      t.deps.differ.applied.map((a) => a.layer),
      [
        { mediaType: MEDIA_TYPES.dockerLayer, digest: sha256(l1), size: l1.length },
        { mediaType: MEDIA_TYPES.dockerLayerGzip, digest: sha256(l2), size: l2.length },
      ],
    );
    const rec = t.store.resolve('busybox:1.36');
    assert.equal(rec.id, id);
    assert.equal(t.store.topChainId(rec), chains[1]);
    assert.deepEqual(rec.layers.map((l) => l.diffSize), [l1.length, zlib.gunzipSync(l2).length]);
    // the fake snapshotter's views have no directory to measure: Size falls back to the tar sizes
    assert.equal(t.store.inspect(rec).Size, l1.length + zlib.gunzipSync(l2).length);
    // temp dir is gone
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
  } finally {
    t.cleanup();
  }
});

test('loading again reuses blobs and snapshots; progress only for new layers', async () => {
  const t = await setup();
  try {
    const base = await layerTar('base', 'base');
    const first = await dockerSaveArchive([{ layers: [base], repoTags: ['base:1'] }]);
    await t.load(first.tar);
    assert.deepEqual(t.messages, [
      { status: 'Loading layer', id: sha256(base).slice(7, 19), progressDetail: { current: 0, total: base.length } },
      { status: 'Loading layer', id: sha256(base).slice(7, 19), progressDetail: { current: base.length, total: base.length } },
      { stream: 'Loaded image: base:1\n' },
    ]);
    t.messages.length = 0;
    const top = await layerTar('top', 'top');
    const second = await dockerSaveArchive([{ layers: [base, top], repoTags: null }]);
    const result = await t.load(second.tar, { quiet: true });
    assert.equal(t.deps.differ.applied.length, 2, 'only the new layer was applied');
    assert.equal(t.deps.content.writes.length, 4, 'base blob not rewritten: 2 layers + 2 configs');
    assert.deepEqual(result.loaded, [{ id: second.ids[0], refs: [] }]);
    assert.deepEqual(t.messages, [{ stream: `Loaded image ID: ${second.ids[0]}\n` }]);
    await t.load(first.tar, { quiet: true });
    assert.equal(t.deps.differ.applied.length, 2);
  } finally {
    t.cleanup();
  }
});

test('a tag taken from another image is reported as dockerd does', async () => {
  const t = await setup();
  try {
    const a = await dockerSaveArchive([{ layers: [await layerTar('a', '1')], repoTags: ['app:latest'] }]);
    const b = await dockerSaveArchive([{ layers: [await layerTar('a', '2')], repoTags: ['app:latest'] }]);
    await t.load(a.tar, { quiet: true });
    t.messages.length = 0;
    await t.load(b.tar, { quiet: true });
    assert.deepEqual(t.messages, [
      { stream: `The image app:latest already exists, renaming the old one with ID ${a.ids[0]} to empty string\n` },
      { stream: 'Loaded image: app:latest\n' },
    ]);
    assert.deepEqual(t.store.get(a.ids[0] as string)?.repoTags, []);
    assert.equal(t.store.list().length, 2);
  } finally {
    t.cleanup();
  }
});

test('loads an OCI layout archive', async () => {
  const t = await setup();
  try {
    const layer = zlib.gzipSync(await layerTar('x', 'oci'));
    const diffId = sha256(zlib.gunzipSync(layer));
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: sha256(config), size: config.length },
        layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: sha256(layer), size: layer.length }],
      }),
    );
    const index = {
      schemaVersion: 2,
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: sha256(manifest), size: manifest.length, annotations: { 'io.containerd.image.name': 'example.com/oci/img:v1' } }],
    };
    const b = (buf: Buffer) => ({ name: `blobs/sha256/${sha256(buf).slice(7)}`, data: buf });
    const tar = await buildTar([{ name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', data: JSON.stringify(index) }, b(config), b(manifest), b(layer)]);
    const result = await t.load(zlib.gzipSync(tar), { quiet: true });
    assert.deepEqual(result.loaded, [{ id: sha256(config), refs: ['example.com/oci/img:v1'] }]);
    assert.deepEqual(t.messages, [{ stream: 'Loaded image: example.com/oci/img:v1\n' }]);
    assert.equal(t.deps.differ.applied[0]?.layer.mediaType, MEDIA_TYPES.ociLayerGzip);
    assert.equal(t.store.resolve('example.com/oci/img:v1').configMediaType, MEDIA_TYPES.ociConfig);
  } finally {
    t.cleanup();
  }
});

test('failures: nothing recorded, working snapshot removed, temp dir removed', async () => {
  const t = await setup();
  try {
    const { tar } = await dockerSaveArchive([{ layers: [await layerTar('a', '1')], repoTags: ['x:1'] }]);
    t.deps.differ.failNext = new Error('apply failed');
    await assert.rejects(t.load(tar), { message: 'apply failed' });
    assert.equal(t.deps.snapshots.snapshots.size, 0);
    assert.ok(t.deps.snapshots.calls.some((c) => c.startsWith('remove extract-')));
    assert.equal(t.store.list().length, 0);
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);

    await assert.rejects(loadArchive(t.store, Readable.from([Buffer.alloc(2048, 'z')])), { name: 'InvalidParameterError', message: 'Error processing tar file(exit status 1): archive/tar: invalid tar header' });
    await assert.rejects(loadArchive(t.store, Readable.from([await buildTar([{ name: 'x', data: 'y' }])])), {
      name: 'InvalidParameterError',
      message: 'open manifest.json: no such file or directory',
    });
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
    // and a good load still works afterwards
    await t.load(tar, { quiet: true });
    assert.equal(t.store.resolve('x:1').layers.length, 1);
  } finally {
    t.cleanup();
  }
});

test('an aborted load stops and cleans up', async () => {
  const t = await setup();
  try {
    const { tar } = await dockerSaveArchive([{ layers: [await layerTar('a', '1')], repoTags: ['x:1'] }]);
    const ac = new AbortController();
    ac.abort(new Error('client went away'));
    await assert.rejects(loadArchive(t.store, Readable.from([tar]), { signal: ac.signal }), { message: 'client went away' });
    assert.equal(t.store.list().length, 0);
    assert.deepEqual(fs.readdirSync(path.join(t.root, 'tmp')), []);
  } finally {
    t.cleanup();
  }
});
