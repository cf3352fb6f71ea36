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
