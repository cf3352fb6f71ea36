import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConflictError, InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { LocalDriver } from './local-driver.js';
import { ANONYMOUS_LABEL } from './types.js';
import { VolumeService, type VolumeUser } from './volume-service.js';

const req = (Name: string, extra: Partial<{ Labels: Record<string, string>; DriverOpts: Record<string, string>; Driver: string }> = {}) =>
  ({ Name, Driver: '', DriverOpts: null, Labels: null, ...extra });

function setup(): { root: string; service: VolumeService; users: VolumeUser[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vols-'));
  const driver = new LocalDriver(path.join(root, 'volumes'));
  driver.load();
  const service = new VolumeService(driver);
  const users: VolumeUser[] = [];
  service.setUserSource(() => users);
  return { root, service, users };
}

test('create: layout and metadata on disk, re-read by a new driver; same name answers the existing volume', async () => {
  const { root, service } = setup();
  const v = await service.volumeCreate(req('data', { Labels: { k: 'v' } }));
  assert.equal(v.Mountpoint, path.join(root, 'volumes/data/_data'));
  assert.ok(fs.statSync(v.Mountpoint).isDirectory());
  assert.deepEqual(v.Labels, { k: 'v' });
  assert.equal(v.Options, null);
  const again = await service.volumeCreate(req('data', { Labels: { other: 'x' } }));
  assert.deepEqual(again, v);
  const reloaded = new LocalDriver(path.join(root, 'volumes'));
  reloaded.load();
  assert.deepEqual(await new VolumeService(reloaded).volumeInspect('data'), v);
  const anon = await service.volumeCreate(req(''));
  assert.match(anon.Name, /^[0-9a-f]{64}$/);
  fs.rmSync(root, { recursive: true });
});

test('errors: dockerd prefixes and classes', async () => {
  const { root, service } = setup();
  await assert.rejects(service.volumeCreate(req('x/y')), (e: unknown) => e instanceof InvalidParameterError && e.message.startsWith('create x/y: "x/y" includes'));
  await assert.rejects(service.volumeCreate(req('vo', { DriverOpts: { o: 'size=1m' } })), { message: 'create vo: missing required option: "device"' });
  await assert.rejects(service.volumeCreate(req('vo', { Driver: 'nfs' })), (e: unknown) => e instanceof NotFoundError);
  await assert.rejects(service.volumeInspect('nope'), { message: 'get nope: no such volume' });
  await assert.rejects(service.volumeRemove('nope', { force: false }), NotFoundError);
  await service.volumeRemove('nope', { force: true });
  fs.rmSync(root, { recursive: true });
});

test('references: in use refuses rm (also forced); dangling; prune anonymous-only or all; usage', async () => {
  const { root, service, users } = setup();
  await service.volumeCreate(req('used'));
  await service.volumeCreate(req('named'));
  const anon = await service.volumeCreate(req('', { Labels: { [ANONYMOUS_LABEL]: '' } }));
  users.push({ id: 'c1', running: false, volumes: ['used'] });
  await assert.rejects(service.volumeRemove('used', { force: true }), (e: unknown) => e instanceof ConflictError && e.message === 'remove used: volume is in use - [c1]');
  assert.deepEqual((await service.volumeList({ dangling: ['true'] })).Volumes.map((v) => v.Name).sort(), [anon.Name, 'named'].sort());
  fs.writeFileSync(path.join(service.dataPath(anon.Name), 'f'), 'abc');
  const signal = new AbortController().signal;
  assert.deepEqual(await service.volumesPrune({}, { anonymousOnly: true, allowAll: true }, signal), { VolumesDeleted: [anon.Name], SpaceReclaimed: 3 });
  assert.deepEqual(await service.volumesPrune({ all: ['1'] }, { anonymousOnly: true, allowAll: true }, signal), { VolumesDeleted: ['named'], SpaceReclaimed: 0 });
  assert.deepEqual((await service.usage()).map((v) => [v.Name, v.UsageData]), [['used', { Size: 0, RefCount: 1 }]]);
  assert.equal(await service.removeIfUnused('used'), false);
  users.length = 0;
  assert.equal(await service.removeIfUnused('used'), true);
  assert.deepEqual(fs.readdirSync(path.join(root, 'volumes')), []);
  fs.rmSync(root, { recursive: true });
});
