import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus } from '../api/types/container.js';
import { NotFoundError } from '../errdefs/index.js';
import type { ContainerRecord } from './container.js';
import { selectContainers, type ListEntry, type ListQuery } from './container-list.js';

function entry(name: string, status: ContainerStatus, extra: { exitCode?: number; labels?: Record<string, string>; image?: string; ports?: object[]; volumes?: string[]; networks?: string[] } = {}): ListEntry {
  const id = (name.charCodeAt(0).toString(16) + name).padEnd(64, '0');
  const record = {
    id, name, created: '', path: 'sh', args: [], image: extra.image ?? 'sha256:aaa',
    config: { Image: 'busybox', Labels: extra.labels ?? {}, Volumes: Object.fromEntries((extra.volumes ?? []).map((v) => [v, {}])) },
    hostConfig: {},
    state: { status, pid: 0, exitCode: extra.exitCode ?? 0, error: '', oomKilled: false, startedAt: status === 'created' ? '0001-01-01T00:00:00Z' : '2024-01-01T00:00:00Z', finishedAt: '' },
  } as unknown as ContainerRecord;
  const summary = { Id: id, Ports: extra.ports ?? [], Mounts: [], NetworkSettings: { Networks: Object.fromEntries((extra.networks ?? []).map((n) => [n, { NetworkID: `${n}-id` }])) } };
  return { record, summary };
}

// newest first
const ENTRIES = [
  entry('web1', 'running', { labels: { app: 'web', tier: 'front' }, ports: [{ PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }], networks: ['bridge'] }),
  entry('paused1', 'paused', { labels: { app: 'web' } }),
  entry('failed1', 'exited', { exitCode: 3, volumes: ['/data'] }),
  entry('ok1', 'exited', { exitCode: 0, image: 'sha256:bbb' }),
  entry('fresh1', 'created'),
];
const lookups = {
  container: (ref: string) => {
    const e = ENTRIES.find((x) => x.record.name === ref || x.record.id.startsWith(ref));
    if (!e) throw new NotFoundError(`no such container ${ref}`);
    return e.record;
  },
  imageId: (ref: string) => (ref === 'busybox:old' ? 'sha256:bbb' : undefined),
};
const names = (q: Partial<ListQuery> & { filters?: Record<string, string[]> }): string[] =>
  selectContainers(ENTRIES, { all: false, filters: {}, ...q }, lookups).map((e) => e.record.name);

test('running and paused by default; all, limit (includes stopped)', () => {
  assert.deepEqual(names({}), ['web1', 'paused1']);
  assert.deepEqual(names({ all: true }), ['web1', 'paused1', 'failed1', 'ok1', 'fresh1']);
  assert.deepEqual(names({ limit: 3 }), ['web1', 'paused1', 'failed1']);
});

test('id, name (regexp), label, status, exited, ancestor', () => {
  assert.deepEqual(names({ all: true, filters: { name: ['^/ok'] } }), ['ok1']);
  assert.deepEqual(names({ all: true, filters: { name: ['1$'], id: [ENTRIES[2]!.record.id.slice(0, 10)] } }), ['failed1']);
  assert.deepEqual(names({ all: true, filters: { label: ['app=web', 'tier'] } }), ['web1']);
  assert.deepEqual(names({ filters: { status: ['exited', 'paused'] } }), ['paused1', 'failed1', 'ok1']);
  assert.deepEqual(names({ all: true, filters: { exited: ['3'] } }), ['failed1']);
  assert.deepEqual(names({ filters: { exited: ['0'] } }), [], 'exited does not imply all');
  assert.deepEqual(names({ all: true, filters: { ancestor: ['busybox:old'] } }), ['ok1']);
  assert.deepEqual(names({ all: true, filters: { ancestor: ['nope'] } }), []);
});

test('before/since walk the list newest first', () => {
  assert.deepEqual(names({ all: true, filters: { before: ['failed1'] } }), ['ok1', 'fresh1']);
  assert.deepEqual(names({ all: true, filters: { since: ['failed1'] } }), ['web1', 'paused1']);
  assert.throws(() => names({ filters: { since: ['ghost'] } }), /no such container ghost/);
});

test('volume, network, publish, expose, health, is-task', () => {
  assert.deepEqual(names({ all: true, filters: { volume: ['/data'] } }), ['failed1']);
  assert.deepEqual(names({ all: true, filters: { network: ['bridge'] } }), ['web1']);
  assert.deepEqual(names({ all: true, filters: { network: ['bri'] } }), ['web1'], 'network ID prefix');
  assert.deepEqual(names({ filters: { publish: ['8080'] } }), ['web1']);
  assert.deepEqual(names({ filters: { publish: ['8000-8100/tcp'] } }), ['web1']);
  assert.deepEqual(names({ filters: { expose: ['80/udp'] } }), []);
  assert.deepEqual(names({ filters: { expose: ['80'] } }), ['web1']);
  assert.deepEqual(names({ filters: { health: ['none'] } }), ['web1', 'paused1']);
  assert.deepEqual(names({ filters: { health: ['healthy'] } }), []);
  assert.deepEqual(names({ filters: { 'is-task': ['false'] } }), ['web1', 'paused1']);
  assert.deepEqual(names({ filters: { 'is-task': ['true'] } }), []);
});

test('invalid filters: dockerd messages', () => {
  assert.throws(() => names({ filters: { x: ['1'] } }), /^InvalidParameterError: Invalid filter 'x'$/);
  assert.throws(() => names({ filters: { status: ['sleeping'] } }), /Invalid filter 'status=sleeping'/);
  assert.throws(() => names({ filters: { 'is-task': ['maybe'] } }), /Invalid filter 'is-task=\[maybe\]'/);
  assert.throws(() => names({ filters: { exited: ['x'] } }), /strconv.Atoi: parsing "x": invalid syntax/);
  assert.throws(() => names({ filters: { health: ['x'] } }), /Unrecognised filter value for health: x/);
  assert.throws(() => names({ filters: { publish: ['1:2'] } }), /filter for 'publish' should not contain ':': 1:2/);
});
