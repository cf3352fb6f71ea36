import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageStore } from './image-store.js';
import { fakeDeps, imageConfig, sha256 } from './image-fakes.js';
import type { ImageConfigFile, NewImage } from './types.js';
import { MEDIA_TYPES } from './types.js';

function newImage(seed: string, configExtra: Record<string, unknown> = {}): NewImage {
  const diffId = sha256(`layer-${seed}`);
  const bytes = imageConfig([diffId], configExtra);
  return {
    id: sha256(bytes),
    config: JSON.parse(bytes.toString()) as ImageConfigFile,
    configMediaType: MEDIA_TYPES.dockerConfig,
    configSize: bytes.length,
    layers: [{ diffId, chainId: diffId, blobDigest: diffId, mediaType: MEDIA_TYPES.dockerLayer, size: 100, diffSize: 100, unpackedSize: 4096 }],
  };
}

async function withStore(fn: (store: ImageStore, root: string) => Promise<void>): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
  try {
    await fn(await ImageStore.open(root, fakeDeps()), root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('put, tag, resolve by name, ID, sha256: prefix and short prefix', async () => {
  await withStore(async (store) => {
    const img = store.put(newImage('a'));
    assert.deepEqual(img.repoTags, []);
    assert.equal(store.tag(img.id, 'busybox'), undefined);
    store.tag(img.id, 'localhost:5000/x:1');
    const hex = img.id.slice(7);
    for (const q of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', 'localhost:5000/x:1', img.id, hex, hex.slice(0, 12), `sha256:${hex.slice(0, 5)}`, hex.slice(0, 1)]) {
      assert.equal(store.resolve(q).id, img.id, q);
    }
    assert.deepEqual(store.resolve('busybox').repoTags, ['docker.io/library/busybox:latest', 'localhost:5000/x:1']);
    assert.throws(() => store.resolve('busybox:1.0'), { name: 'NotFoundError', message: 'No such image: busybox:1.0' });
    assert.throws(() => store.resolve('nosuch'), { name: 'NotFoundError', message: 'No such image: nosuch:latest' });
    assert.throws(() => store.resolve('a'.repeat(64)), { name: 'NotFoundError', message: `No such image: sha256:${'a'.repeat(64)}` });
    assert.throws(() => store.resolve('Bad'), { name: 'InvalidParameterError', message: 'invalid reference format: repository name must be lowercase' });
    assert.equal(store.topChainId(img), img.layers[0]?.chainId);
  });
});

test('an ambiguous ID prefix finds nothing; a name beats an ID prefix', async () => {
  await withStore(async (store) => {
    const ids = Array.from({ length: 40 }, (_, i) => store.put(newImage(`img${i}`)).id);
    // With 40 IDs, some two share their first hex digit.
    const first = ids.map((id) => id[7]);
    const dup = first.find((c, i) => first.indexOf(c) !== i) as string;
    assert.throws(() => store.resolve(dup), { name: 'NotFoundError' });
    const target = ids[0] as string;
    store.tag(target, dup);
    assert.equal(store.resolve(dup).id, target);
  });
});

test('tags move between images; the old image stays, untagged', async () => {
  await withStore(async (store) => {
    const a = store.put(newImage('a'));
    const b = store.put(newImage('b'));
    store.tag(a.id, 'app:1');
    assert.equal(store.tag(b.id, 'app:1'), a.id);
    assert.deepEqual(store.get(a.id)?.repoTags, []);
    assert.deepEqual(store.get(b.id)?.repoTags, ['docker.io/library/app:1']);
    assert.equal(store.list().length, 2);
    assert.equal(store.tag(b.id, 'app:1'), undefined, 'retagging the same image reports no previous');
    assert.throws(() => store.tag(a.id, `app@sha256:${'a'.repeat(64)}`), { message: 'refusing to create a tag with a digest reference' });
    assert.throws(() => store.tag(sha256('nope'), 'x'), { name: 'NotFoundError' });
  });
});

test('lastTagTime: set by tag, not by load-style tagging', async () => {
  await withStore(async (store) => {
    const a = store.put(newImage('a'));
    store.tag(a.id, 'quiet:1', { updateLastTagTime: false });
    assert.equal(store.get(a.id)?.lastTagTime, null);
    assert.equal(store.inspect(store.resolve('quiet:1')).Metadata.LastTagTime, '0001-01-01T00:00:00Z');
    store.tag(a.id, 'loud:1');
    assert.match(store.get(a.id)?.lastTagTime ?? '', /^\d{4}-\d\d-\d\dT/);
  });
});

test('state survives reopening; refs to missing images are dropped', async () => {
  await withStore(async (_store, root) => {
    const deps = fakeDeps();
    const s1 = await ImageStore.open(root, deps);
    const a = s1.put(newImage('a'));
    const b = s1.put(newImage('b'));
    s1.tag(a.id, 'one');
    s1.tag(b.id, 'two:2');
    s1.addRepoDigest(a.id, `one@sha256:${'c'.repeat(64)}`);
    const s2 = await ImageStore.open(root, deps);
    assert.deepEqual(s2.get(a.id)?.repoTags, ['docker.io/library/one:latest']);
    assert.deepEqual(s2.get(a.id)?.repoDigests, [`docker.io/library/one@sha256:${'c'.repeat(64)}`]);
    assert.deepEqual(s2.get(a.id)?.layers, a.layers);
    // A record lost (e.g. removed by hand) must not leave its names resolvable.
    fs.rmSync(path.join(root, 'image', 'images', `${b.id.slice(7)}.json`));
    fs.writeFileSync(path.join(root, 'image', 'images', '.tmp-leftover.json'), '{');
    const s3 = await ImageStore.open(root, deps);
    assert.equal(s3.list().length, 1);
    assert.throws(() => s3.resolve('two:2'), { name: 'NotFoundError' });
    const repos = JSON.parse(fs.readFileSync(path.join(root, 'image', 'repositories.json'), 'utf8'));
    assert.equal(repos.refs['docker.io/library/one:latest'], a.id);
  });
});

test('untag and delete', async () => {
  await withStore(async (store) => {
    const a = store.put(newImage('a'));
    store.tag(a.id, 'x:1');
    store.tag(a.id, 'y:1');
    assert.equal(store.untag('x:1'), a.id);
    assert.throws(() => store.untag('x:1'), { name: 'NotFoundError', message: 'No such image: x:1' });
    store.delete(a.id);
    assert.equal(store.get(a.id), undefined);
    assert.throws(() => store.resolve('y:1'), { name: 'NotFoundError' });
    assert.equal(store.list().length, 0);
  });
});

test('inspect data (every version\'s fields) and the newest summary shape', async () => {
  await withStore(async (store) => {
    const untagged = store.put(newImage('u', { variant: 'v8', config: { Cmd: ['sh'], Labels: { a: 'b' } } }));
    const s = store.summary(untagged);
    assert.deepEqual(s, {
      Id: untagged.id,
      ParentId: '',
      RepoTags: [],
      RepoDigests: [],
      Created: Math.floor(Date.parse('2023-05-19T20:19:32.516Z') / 1000),
      Size: 4096,
      SharedSize: -1,
      Labels: { a: 'b' },
      Containers: -1,
    });
    store.tag(untagged.id, 'busybox:1.36');
    const i = store.inspect(store.resolve('busybox:1.36'));
    assert.deepEqual(Object.keys(i), [
      'Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'Container', 'ContainerConfig', 'DockerVersion', 'Author',
      'Config', 'Architecture', 'Variant', 'Os', 'Size', 'VirtualSize', 'GraphDriver', 'RootFS', 'Metadata',
    ]);
    assert.deepEqual(i.RepoTags, ['busybox:1.36']);
    assert.deepEqual(i.RepoDigests, []);
    assert.equal(i.Created, '2023-05-19T20:19:32.516454147Z');
    assert.equal(i.Variant, 'v8');
    assert.equal(i.Os, 'linux');
    assert.deepEqual(i.Config?.Cmd, ['sh']);
    assert.equal(i.Config?.Hostname, '');
    assert.equal(i.Config?.Env, null);
    assert.equal(i.ContainerConfig.Cmd, null);
    assert.deepEqual(i.GraphDriver, { Name: 'overlayfs', Data: null });
    assert.deepEqual(i.RootFS, { Type: 'layers', Layers: untagged.config.rootfs.diff_ids });
    assert.equal(store.summary(store.resolve('busybox:1.36')).RepoTags[0], 'busybox:1.36');
    const plain = store.inspect(store.put(newImage('p')));
    assert.equal('Variant' in plain, false);
  });
});

test('list is newest first', async () => {
  await withStore(async (store) => {
    const old = store.put(newImage('old', { created: '2001-01-01T00:00:00Z' }));
    const young = store.put(newImage('young', { created: '2024-01-01T00:00:00Z' }));
    assert.deepEqual(store.list().map((r) => r.id), [young.id, old.id]);
  });
});

test('releaseBlob keeps a blob an image holds as config or layer, deletes others', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
  const deps = fakeDeps();
  try {
    const store = await ImageStore.open(root, deps);
    const img = store.put(newImage('a'));
    const loose = sha256('loose');
    for (const d of [img.id, img.layers[0]!.blobDigest, loose]) deps.content.blobs.set(d, { data: Buffer.alloc(0), labels: {} });
    for (const d of [img.id, img.layers[0]!.blobDigest, loose]) await store.releaseBlob(d);
    assert.deepEqual([...deps.content.blobs.keys()].sort(), [img.id, img.layers[0]!.blobDigest].sort());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
