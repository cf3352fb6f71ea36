import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { extractArchive, type ExtractedArchive } from './archive-extract.js';
import { chainIds } from './chain-id.js';
import { chooseManifest, namesFromAnnotations, planLoad, type ImagePlan } from './load-plan.js';
import { MEDIA_TYPES } from './types.js';
import { buildTar, dockerSaveArchive, imageConfig, layerTar, sha256, type TarEntrySpec } from './image-fakes.js';

async function withArchive<T>(tarBuf: Buffer, fn: (a: ExtractedArchive) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-plan-'));
  try {
    return await fn(await extractArchive(Readable.from([tarBuf]), dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const plan = (tarBuf: Buffer): Promise<ImagePlan[]> => withArchive(tarBuf, (a) => planLoad(a, { platform: { os: 'linux', architecture: 'amd64' } }));

test('docker save archive: configs, layers with chain IDs, tags', async () => {
  const l1 = await layerTar('a', 'one');
  const l2 = zlib.gzipSync(await layerTar('b', 'two'));
  const { tar, ids } = await dockerSaveArchive([{ layers: [l1, l2], repoTags: ['busybox:latest', 'localhost:5000/x:1'] }]);
  const [p, ...rest] = await plan(tar);
  assert.equal(rest.length, 0);
  assert.ok(p);
  assert.equal(p.id, ids[0]);
  assert.deepEqual(p.refs.map(String), ['docker.io/library/busybox:latest', 'localhost:5000/x:1']);
  assert.equal(p.configMediaType, MEDIA_TYPES.dockerConfig);
  const diffIds = [sha256(l1), sha256(zlib.gunzipSync(l2))];
  const chains = chainIds(diffIds);
  assert.deepEqual(
    p.layers.map((l) => ({ diffId: l.diffId, chainId: l.chainId, parent: l.parentChainId, mediaType: l.mediaType, blob: l.blobDigest, size: l.blobSize })),
    [
      { diffId: diffIds[0], chainId: chains[0], parent: undefined, mediaType: MEDIA_TYPES.dockerLayer, blob: sha256(l1), size: l1.length },
      { diffId: diffIds[1], chainId: chains[1], parent: chains[0], mediaType: MEDIA_TYPES.dockerLayerGzip, blob: sha256(l2), size: l2.length },
    ],
  );
  assert.equal(p.layers[1]?.diffSize, zlib.gunzipSync(l2).length);
});

test('manifest.json may come first or last; several images; untagged ones', async () => {
  const l1 = await layerTar('a', 'one');
  const { tar, ids } = await dockerSaveArchive([
    { layers: [l1], repoTags: null, manifestFirst: true },
    { layers: [l1, await layerTar('c', 'three')], repoTags: ['app:v2'] },
  ]);
  const plans = await plan(tar);
  assert.deepEqual(plans.map((p) => p.id), ids);
  assert.deepEqual(plans[0]?.refs, []);
  assert.equal(plans[1]?.layers[0]?.chainId, plans[0]?.layers[0]?.chainId);
});

test('diff ID mismatches and layer count mismatches are rejected', async () => {
  const l1 = await layerTar('a', 'one');
  const wrong = imageConfig([sha256('something else')]);
  await assert.rejects(plan((await dockerSaveArchive([{ layers: [l1], repoTags: [], config: wrong }])).tar), {
    name: 'InvalidParameterError',
    message: `invalid diffID for layer 0: expected "${sha256('something else')}", got "${sha256(l1)}"`,
  });
  const two = imageConfig([sha256(l1), sha256(l1)]);
  await assert.rejects(plan((await dockerSaveArchive([{ layers: [l1], repoTags: [], config: two }])).tar), {
    message: 'invalid manifest, layers length mismatch: expected 2, got 1',
  });
});

test('bad names, foreign OS and missing files are client errors', async () => {
  const l1 = await layerTar('a', 'one');
  await assert.rejects(plan((await dockerSaveArchive([{ layers: [l1], repoTags: ['busybox'] }])).tar), { message: 'invalid tag "busybox"' });
  await assert.rejects(plan((await dockerSaveArchive([{ layers: [l1], repoTags: ['Busybox:1'] }])).tar), { message: 'invalid tag "Busybox:1"' });
  const win = imageConfig([sha256(l1)], { os: 'windows' });
  await assert.rejects(plan((await dockerSaveArchive([{ layers: [l1], repoTags: [], config: win }])).tar), { message: 'cannot load windows image on linux' });
  await assert.rejects(plan(await buildTar([{ name: 'foo', data: 'x' }])), {
    name: 'InvalidParameterError',
    message: 'open manifest.json: no such file or directory',
  });
  await assert.rejects(plan(await buildTar([{ name: 'manifest.json', data: '[{"Config":"c.json","Layers":[]}]' }])), {
    message: 'open c.json: no such file or directory',
  });
  await assert.rejects(plan(await buildTar([{ name: 'manifest.json', data: '{' }])), { name: 'InvalidParameterError', message: /invalid JSON in manifest.json/ });
  await assert.rejects(plan(await buildTar([{ name: 'manifest.json', data: '[{"Config":"../c.json"}]' }])), { name: 'InvalidParameterError' });
  await assert.rejects(plan(await buildTar([{ name: 'manifest.json', data: '[{"Config":"c.json"}]' }, { name: 'c.json', data: '{}' }])), {
    message: 'invalid image JSON, no RootFS key',
  });
});

// ---- OCI layout -------------------------------------------------------------------------------

interface Blob {
  digest: string;
  size: number;
  entry: TarEntrySpec;
}
function blob(data: Buffer | string): Blob {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const digest = sha256(buf);
  return { digest, size: buf.length, entry: { name: `blobs/sha256/${digest.slice(7)}`, data: buf } };
}
const desc = (b: Blob, mediaType: string, extra: object = {}) => ({ mediaType, digest: b.digest, size: b.size, ...extra });

async function ociImage(layers: Buffer[], configExtra: Record<string, unknown> = {}) {
  const diffIds = layers.map((l) => sha256(l[0] === 0x1f ? zlib.gunzipSync(l) : l));
  const config = blob(imageConfig(diffIds, configExtra));
  const layerBlobs = layers.map(blob);
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: desc(config, MEDIA_TYPES.ociConfig),
      layers: layerBlobs.map((b, i) => desc(b, layers[i]?.[0] === 0x1f ? MEDIA_TYPES.ociLayerGzip : MEDIA_TYPES.ociLayer)),
    }),
  );
  return { config, manifest, entries: [config.entry, manifest.entry, ...layerBlobs.map((b) => b.entry)] };
}

test('OCI layout: index → manifest, names from annotations', async () => {
  const gz = zlib.gzipSync(await layerTar('a', 'one'));
  const img = await ociImage([gz]);
  const index = {
    schemaVersion: 2,
    manifests: [
      desc(img.manifest, MEDIA_TYPES.ociManifest, { annotations: { 'io.containerd.image.name': 'docker.io/library/alpine:3.19', 'org.opencontainers.image.ref.name': '3.19' } }),
      desc(img.manifest, MEDIA_TYPES.ociManifest, { annotations: { 'org.opencontainers.image.ref.name': 'example.com/alpine:edge' } }),
    ],
  };
  const tarBuf = await buildTar([{ name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', data: JSON.stringify(index) }, ...img.entries]);
  const plans = await plan(tarBuf);
  assert.equal(plans.length, 1);
  assert.equal(plans[0]?.id, img.config.digest);
  assert.deepEqual(plans[0]?.refs.map(String), ['docker.io/library/alpine:3.19', 'example.com/alpine:edge']);
  assert.equal(plans[0]?.configMediaType, MEDIA_TYPES.ociConfig);
  assert.equal(plans[0]?.layers[0]?.mediaType, MEDIA_TYPES.ociLayerGzip);
  assert.equal(plans[0]?.layers[0]?.diffId, sha256(zlib.gunzipSync(gz)));
});

test('OCI layout: nested index picks the platform, skipping attestations', async () => {
  const amd = await ociImage([await layerTar('a', 'amd64')], { architecture: 'amd64' });
  const arm = await ociImage([await layerTar('a', 'arm64')], { architecture: 'arm64' });
  const att = blob('{"schemaVersion":2,"layers":[]}');
  const nested = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        desc(arm.manifest, MEDIA_TYPES.ociManifest, { platform: { os: 'linux', architecture: 'arm64' } }),
        desc(att, MEDIA_TYPES.ociManifest, { platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
        desc(amd.manifest, MEDIA_TYPES.ociManifest, { platform: { os: 'linux', architecture: 'amd64' } }),
      ],
    }),
  );
  const index = { schemaVersion: 2, manifests: [desc(nested, MEDIA_TYPES.ociIndex, { annotations: { 'io.containerd.image.name': 'multi:1' } })] };
  const tarBuf = await buildTar([{ name: 'index.json', data: JSON.stringify(index) }, nested.entry, att.entry, ...amd.entries, ...arm.entries]);
  const plans = await plan(tarBuf);
  assert.equal(plans[0]?.id, amd.config.digest);
  assert.deepEqual(plans[0]?.refs.map(String), ['docker.io/library/multi:1']);
  const armPlans = await withArchive(tarBuf, (a) => planLoad(a, { platform: { os: 'linux', architecture: 'arm64' } }));
  assert.equal(armPlans[0]?.id, arm.config.digest);
  const other = await withArchive(tarBuf, (a) => planLoad(a, { platform: { os: 'linux', architecture: 's390x' } }));
  assert.equal(other[0]?.id, arm.config.digest, 'first real image when no platform matches');
});

test('OCI layout: blobs must match their digests', async () => {
  const img = await ociImage([await layerTar('a', 'one')]);
  const index = { schemaVersion: 2, manifests: [desc(img.manifest, MEDIA_TYPES.ociManifest)] };
  const tampered = img.entries.map((e) => (e.name === img.config.entry.name ? { name: e.name, data: '{"rootfs":{"type":"layers","diff_ids":[]}}' } : e));
  await assert.rejects(plan(await buildTar([{ name: 'index.json', data: JSON.stringify(index) }, ...tampered])), {
    name: 'InvalidParameterError',
    message: /digest mismatch/,
  });
  const missing = img.entries.filter((e) => e.name !== img.config.entry.name);
  await assert.rejects(plan(await buildTar([{ name: 'index.json', data: JSON.stringify(index) }, ...missing])), {
    message: `open ${img.config.entry.name}: no such file or directory`,
  });
});

test('names from annotations and manifest choice', () => {
  assert.deepEqual(namesFromAnnotations(undefined), []);
  assert.deepEqual(namesFromAnnotations({ 'org.opencontainers.image.ref.name': 'latest' }), []);
  assert.deepEqual(namesFromAnnotations({ 'org.opencontainers.image.ref.name': 'busybox:1' }).map(String), ['docker.io/library/busybox:1']);
  assert.deepEqual(namesFromAnnotations({ 'io.containerd.image.name': 'x/y' }).map(String), ['docker.io/x/y:latest']);
  assert.deepEqual(namesFromAnnotations({ 'io.containerd.image.name': 'Bad Name' }), []);
  const m = (arch: string) => ({ digest: sha256(arch), platform: { os: 'linux', architecture: arch } });
  assert.equal(chooseManifest([m('arm64'), m('amd64')], { os: 'linux', architecture: 'amd64' })?.digest, sha256('amd64'));
  assert.equal(chooseManifest([], { os: 'linux', architecture: 'amd64' }), undefined);
});
