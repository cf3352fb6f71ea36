import { shapeInspect } from '../api/routers/containers/shape.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord } from './container.js';
import { containerInspect } from './views.js';

const record = (hostConfig: Record<string, unknown>): ContainerRecord => ({
  id: 'a'.repeat(64), name: 'n', created: '2024-01-01T00:00:00Z', path: 'true', args: [], image: 'sha256:b',
  config: {}, hostConfig,
  state: { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: '0001-01-01T00:00:00Z', finishedAt: '0001-01-01T00:00:00Z' },
}) as unknown as ContainerRecord;

test('inspect: a null or empty RestartPolicy shows as "no", and the create-time defaults are filled', () => {
  for (const hc of [{ RestartPolicy: null }, {}, { RestartPolicy: { Name: '' } }]) {
    const h = containerInspect(record(hc)).HostConfig as Record<string, unknown>;
    assert.deepEqual(h.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual([h.ShmSize, h.IpcMode, h.CgroupnsMode, h.Runtime], [67108864, 'private', 'host', 'runc']);
    assert.deepEqual(h.LogConfig, { Type: 'json-file', Config: {} });
  }
  const kept = containerInspect(record({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, IpcMode: 'shareable' })).HostConfig as Record<string, unknown>;
  assert.deepEqual(kept.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(kept.IpcMode, 'shareable');
});

test('inspect Config: omitempty fields (MacAddress, NetworkDisabled, ArgsEscaped, Shell, StopTimeout) only when set', () => {
  const bare = containerInspect(record({})).Config as Record<string, unknown>;
  for (const k of ['MacAddress', 'NetworkDisabled', 'ArgsEscaped', 'Shell', 'StopTimeout', 'StopSignal', 'ExposedPorts']) assert.ok(!(k in bare), k);
  const rec = record({});
  rec.config = { MacAddress: '02:42:ac:11:00:05', NetworkDisabled: true, ArgsEscaped: true, Shell: ['/bin/sh', '-c'], StopTimeout: 3 };
  const set = shapeInspect(containerInspect(rec), '1.41').Config as Record<string, unknown>;
  assert.deepEqual([set.MacAddress, set.NetworkDisabled, set.ArgsEscaped, set.Shell, set.StopTimeout], ['02:42:ac:11:00:05', true, true, ['/bin/sh', '-c'], 3]);
  // dockerd's key order: ... Entrypoint, NetworkDisabled, MacAddress, OnBuild ...
  const keys = Object.keys(set);
  assert.deepEqual(keys.slice(keys.indexOf('Entrypoint'), keys.indexOf('Entrypoint') + 4), ['Entrypoint', 'NetworkDisabled', 'MacAddress', 'OnBuild']);
});

test('inspect ExecIDs: null without execs, the IDs with them', () => {
  assert.equal(containerInspect(record({})).ExecIDs, null);
  assert.deepEqual(containerInspect(record({}), ['e1', 'e2']).ExecIDs, ['e1', 'e2']);
});

test('inspect: ResolvConfPath, HostnamePath, HostsPath and LogPath stay empty until the first start, as dockerd sets them then', () => {
  const rec = Object.assign(record({}), { resolvConfPath: '/d/resolv.conf', hostnamePath: '/d/hostname', hostsPath: '/d/hosts', logPath: '/d/x-json.log' });
  const paths = (r: ContainerRecord): unknown[] => { const i = containerInspect(r); return [i.ResolvConfPath, i.HostnamePath, i.HostsPath, i.LogPath]; };
  assert.deepEqual(paths(rec), ['', '', '', '']);
  rec.hasBeenStartedBefore = true;
  assert.deepEqual(paths(rec), ['/d/resolv.conf', '/d/hostname', '/d/hosts', '/d/x-json.log']);
});
