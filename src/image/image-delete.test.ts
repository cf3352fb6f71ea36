import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deleteImage } from './image-delete.js';
import { imageHistory } from './image-history.js';
import { listImages, pathMatch } from './image-list.js';
import { pruneImages } from './image-prune.js';
import { ImageStore } from './image-store.js';
import { fakeDeps, imageConfig, sha256, type FakeSnapshotter } from './image-fakes.js';
import { MEDIA_TYPES, type ImageConfigFile, type NewImage } from './types.js';

/** An image with one layer of its own on top of `parent`'s layers. */
function image(seed: string, parent?: NewImage, extra: Record<string, unknown> = {}): NewImage {
  const diffId = sha256(`layer-${seed}`);
  const below = parent?.layers ?? [];
  const chainId = below.length ? sha256(`${below[below.length - 1]!.chainId} ${diffId}`) : diffId;
  const diffIds = [...below.map((l) => l.diffId), diffId];
  const bytes = imageConfig(diffIds, { history: diffIds.map((_, i) => ({ created_by: `step ${i}` })), ...extra });
  return {
    id: sha256(bytes),
    config: JSON.parse(bytes.toString()) as ImageConfigFile,
    configMediaType: MEDIA_TYPES.dockerConfig,
    configSize: bytes.length,
    layers: [...below, { diffId, chainId, blobDigest: diffId, mediaType: MEDIA_TYPES.dockerLayer, size: 10, diffSize: 10, unpackedSize: 100 }],
    ...(parent ? { parent: parent.id } : {}),
  };
}

async function withStore(fn: (store: ImageStore, snaps: FakeSnapshotter) => Promise<void>): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rmi-'));
  const deps = fakeDeps();
  try {
    const store = await ImageStore.open(root, deps);
    await fn(store, deps.snapshots);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function putWithSnapshots(store: ImageStore, snaps: FakeSnapshotter, img: NewImage): void {
  for (const l of img.layers) snaps.snapshots.set(l.chainId, { name: l.chainId, parent: '', kind: 'committed', labels: {} });
  store.put(img);
}

test('rmi of one of two tags untags; of the last deletes image and layers', async () => {
  await withStore(async (store, snaps) => {
    const a = image('a');
    putWithSnapshots(store, snaps, a);
    store.tag(a.id, 'busybox');
    store.tag(a.id, 'other:1');
    assert.deepEqual(await deleteImage(store, 'other:1', { force: false, prune: true, containers: [] }), [{ Untagged: 'other:1' }]);
    const out = await deleteImage(store, 'busybox', { force: false, prune: true, containers: [] });
    assert.deepEqual(out, [{ Untagged: 'busybox:latest' }, { Deleted: a.id }, { Deleted: a.layers[0]!.chainId }]);
    assert.equal(store.list().length, 0);
    assert.equal(snaps.snapshots.size, 0);
  });
});

test('dockerd conflicts: container using the last tag, running container, several repositories, children', async () => {
  await withStore(async (store, snaps) => {
    const a = image('a');
    putWithSnapshots(store, snaps, a);
    store.tag(a.id, 'busybox');
    const running = [{ id: 'c'.repeat(64), imageId: a.id, running: true }];
    await assert.rejects(deleteImage(store, 'busybox', { force: false, prune: true, containers: running }), {
      name: 'ConflictError',
      message: `conflict: unable to remove repository reference "busybox" (must force) - container cccccccccccc is using its referenced image ${a.id.slice(7, 19)}`,
    });
    await assert.rejects(deleteImage(store, a.id.slice(7, 19), { force: true, prune: true, containers: running }), {
      message: `conflict: unable to delete ${a.id.slice(7, 19)} (cannot be forced) - image is being used by running container cccccccccccc`,
    });
    store.tag(a.id, 'x/y:1');
    await assert.rejects(deleteImage(store, a.id, { force: false, prune: true, containers: [] }), {
      message: `conflict: unable to delete ${a.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    });
    const child = image('b', a);
    putWithSnapshots(store, snaps, child);
    await assert.rejects(deleteImage(store, a.id, { force: true, prune: true, containers: [] }), {
      message: `conflict: unable to delete ${a.id.slice(7, 19)} (cannot be forced) - image has dependent child images`,
    });
    // the child goes, and with prune its untagged parent chain — but `a` is still tagged: kept
    const out = await deleteImage(store, child.id, { force: false, prune: true, containers: [] });
    assert.deepEqual(out, [{ Deleted: child.id }, { Deleted: child.layers[1]!.chainId }]);
    assert.ok(store.get(a.id));
  });
});

test('list: dangling, reference wildcards, label, before/since, intermediate images only with all', async () => {
  await withStore(async (store, snaps) => {
    const base = image('base', undefined, { created: '2020-01-01T00:00:00Z' });
    const mid = image('mid', base, { created: '2021-01-01T00:00:00Z' });
    const top = image('top', mid, { created: '2022-01-01T00:00:00Z', config: { Labels: { k: 'v' } } });
    const loose = image('loose', undefined, { created: '2023-01-01T00:00:00Z' });
    for (const i of [base, mid, top, loose]) putWithSnapshots(store, snaps, i);
    store.tag(base.id, 'busybox');
    store.tag(top.id, 'a/top:1');
    const ids = (opts: Parameters<typeof listImages>[1]): string[] => listImages(store, opts).map((s) => s.Id);
    assert.deepEqual(ids({ all: false, filters: {} }), [loose.id, top.id, base.id]);
    assert.deepEqual(ids({ all: true, filters: {} }), [loose.id, top.id, mid.id, base.id]);
    assert.deepEqual(ids({ all: false, filters: { dangling: ['true'] } }), [loose.id]);
    assert.deepEqual(ids({ all: false, filters: { dangling: ['false'] } }), [top.id, base.id]);
    assert.deepEqual(ids({ all: false, filters: { reference: ['a/*'] } }), [top.id]);
    assert.deepEqual(ids({ all: false, filters: { reference: ['busy*:latest'] } }), [base.id]);
    assert.deepEqual(ids({ all: false, filters: { label: ['k=v'] } }), [top.id]);
    assert.deepEqual(ids({ all: false, filters: { label: ['constructor'] } }), []); // own labels only
    assert.deepEqual(ids({ all: false, filters: { before: ['a/top:1'] } }), [base.id]);
    assert.deepEqual(ids({ all: false, filters: { since: ['busybox'] } }), [loose.id, top.id]);
    assert.throws(() => listImages(store, { all: false, filters: { dangling: ['x'] } }), { message: "Invalid filter 'dangling=[x]'" });
    assert.throws(() => listImages(store, { all: false, filters: { nope: ['x'] } }), { message: "Invalid filter 'nope'" });
    assert.ok(pathMatch('a/[tx]op', 'a/top') && !pathMatch('*', 'a/top'));
  });
});

test('history: newest first, sizes per layer, IDs along the local parent chain, then <missing>', async () => {
  await withStore(async (store, snaps) => {
    const base = image('base');
    const top = image('top', base);
    putWithSnapshots(store, snaps, base);
    putWithSnapshots(store, snaps, top);
    store.tag(top.id, 'top:1');
    const h = imageHistory(store, 'top:1');
    assert.deepEqual(h.map((x) => [x.Id, x.CreatedBy, x.Size, x.Tags]), [[top.id, 'step 1', 100, ['top:1']], [base.id, 'step 0', 100, null]]);
  });
});

test('prune: dangling only by default; -a removes unused images; containers keep theirs; until', async () => {
  await withStore(async (store, snaps) => {
    const used = image('used');
    const tagged = image('tagged', undefined, { created: '2000-01-01T00:00:00Z' });
    const dangling = image('dangling');
    for (const i of [used, tagged, dangling]) putWithSnapshots(store, snaps, i);
    store.tag(used.id, 'used');
    store.tag(tagged.id, 'tagged');
    const containers = [{ id: 'c'.repeat(64), imageId: used.id, running: false }];
    const r1 = await pruneImages(store, {}, containers);
    assert.deepEqual(r1.ImagesDeleted, [{ Deleted: dangling.id }, { Deleted: dangling.layers[0]!.chainId }]);
    assert.equal(r1.SpaceReclaimed, 100);
    const r2 = await pruneImages(store, { dangling: ['false'], until: ['2001-01-01T00:00:00Z'] }, containers);
    assert.deepEqual(r2.ImagesDeleted?.[0], { Untagged: 'tagged:latest' });
    assert.deepEqual(store.list().map((i) => i.id), [used.id]);
    assert.deepEqual(await pruneImages(store, { dangling: ['false'] }, containers), { ImagesDeleted: null, SpaceReclaimed: 0 });
    await assert.rejects(pruneImages(store, { nope: ['x'] }, containers), { message: "Invalid filter 'nope'" });
  });
});

test('prune label filters: label needs every spec; label! keeps an image out only when every spec matches (dockerd)', async () => {
  await withStore(async (store, snaps) => {
    const a = image('a', undefined, { config: { Labels: { k: 'v' } } });
    const b = image('b', undefined, { config: { Labels: { k: 'v', keep: '1' } } });
    for (const i of [a, b]) putWithSnapshots(store, snaps, i);
    const r = await pruneImages(store, { 'label!': ['k=v', 'keep'] }, []);
    assert.deepEqual(r.ImagesDeleted?.[0], { Deleted: a.id });
    assert.deepEqual(store.list().map((i) => i.id), [b.id]);
    assert.deepEqual(await pruneImages(store, { label: ['k', 'nope'] }, []), { ImagesDeleted: null, SpaceReclaimed: 0 });
  });
});
