import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillHostConfigDefaults } from './host-config-view.js';

test('the docker CLI\'s "unset" HostConfig values show as dockerd\'s create-time defaults', () => {
  const hc: Record<string, unknown> = {
    ShmSize: 0, IpcMode: '', CgroupnsMode: '', LogConfig: { Type: '', Config: null }, MemorySwappiness: -1,
    PidsLimit: 0, MaskedPaths: null, ReadonlyPaths: null, Runtime: '',
  };
  fillHostConfigDefaults(hc);
  assert.equal(hc.ShmSize, 67108864);
  assert.equal(hc.IpcMode, 'private');
  assert.equal(hc.CgroupnsMode, 'host');
  assert.equal(hc.Runtime, 'runc');
  assert.deepEqual(hc.LogConfig, { Type: 'json-file', Config: {} });
  assert.equal(hc.MemorySwappiness, null);
  assert.equal(hc.PidsLimit, null);
  assert.equal((hc.MaskedPaths as string[]).length, 10);
  assert.deepEqual(hc.ReadonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
});

test('values the client set are kept; privileged containers get no masked paths', () => {
  const hc: Record<string, unknown> = {
    ShmSize: 1024, IpcMode: 'host', LogConfig: { Type: 'none', Config: { a: 'b' } }, MemorySwappiness: 10,
    PidsLimit: 50, Privileged: true, MaskedPaths: null, ReadonlyPaths: null,
  };
  fillHostConfigDefaults(hc);
  assert.equal(hc.ShmSize, 1024);
  assert.equal(hc.IpcMode, 'host');
  assert.deepEqual(hc.LogConfig, { Type: 'none', Config: { a: 'b' } });
  assert.equal(hc.MemorySwappiness, 10);
  assert.equal(hc.PidsLimit, 50);
  assert.equal(hc.MaskedPaths, null);
  assert.equal(hc.ReadonlyPaths, null);
});
