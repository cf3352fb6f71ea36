import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linuxResources, withOomScoreAdj, withResources, withSysctls, withUlimits } from './resources.js';
import { buildSpec } from './spec.js';

test('resources map to OCI LinuxResources; NanoCpus becomes quota/period', () => {
  assert.deepEqual(linuxResources({
    Memory: 33554432, MemorySwap: 67108864, MemoryReservation: 16777216, MemorySwappiness: 10, OomKillDisable: true,
    CpuShares: 512, NanoCpus: 1.5e9, CpusetCpus: '0', PidsLimit: 50, BlkioWeight: 300,
  }), {
    memory: { limit: 33554432, swap: 67108864, reservation: 16777216, swappiness: 10, disableOOMKiller: true },
    cpu: { shares: 512, period: 100000, quota: 150000, cpus: '0' },
    pids: { limit: 50 },
    blockIO: { weight: 300 },
  });
  assert.deepEqual(linuxResources({ CpuPeriod: 50000, CpuQuota: 25000 }), { cpu: { period: 50000, quota: 25000 } });
  assert.deepEqual(linuxResources({ PidsLimit: -1 }), { pids: { limit: -1 } });
  assert.deepEqual(linuxResources({ MemorySwappiness: -1, PidsLimit: 0 }), {});
  const spec = buildSpec([withResources(linuxResources({ Memory: 8388608 }))]);
  assert.equal(spec.linux.resources.memory && (spec.linux.resources.memory as { limit: number }).limit, 8388608);
  assert.ok(spec.linux.resources.devices.length > 0, 'device rules kept');
});

test('ulimits, oom score, sysctls', () => {
  const spec = buildSpec([
    withUlimits([{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'core', Soft: -1, Hard: -1 }]),
    withOomScoreAdj(500), withSysctls({ 'net.ipv4.ip_forward': '1' }),
  ]);
  assert.deepEqual(spec.process.rlimits?.[0], { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 });
  assert.equal(spec.process.rlimits?.[1]?.hard, Number.MAX_SAFE_INTEGER);
  assert.equal(spec.process.oomScoreAdj, 500);
  assert.deepEqual(spec.linux.sysctl, { 'net.ipv4.ip_forward': '1' });
});

test('ulimit entries with fields left out take Go zero values, as dockerd passes them to runc', () => {
  const spec = buildSpec([withUlimits([{}, { Name: 'nofile' }])]);
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_', soft: 0, hard: 0 }, { type: 'RLIMIT_NOFILE', soft: 0, hard: 0 }]);
});
