import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostConfig } from '../api/types/container.js';
import type { CgroupInfo } from './cgroup-info.js';
import { liveUpdateResources, mergeUpdate, validateUpdate } from './container-update.js';

const CG: CgroupInfo = {
  version: 1, memoryLimit: true, swapLimit: true, memoryReservation: true, memorySwappiness: true, oomKillDisable: true,
  kernelMemory: true, cpuShares: true, cpuCfs: true, cpuset: true, pidsLimit: true, blkioWeight: false, cpuRealtime: true,
  cpusAvailable: '0-1', memsAvailable: '0', ncpu: 2,
};

test('update merges non-zero fields and the restart policy', () => {
  const hc: HostConfig = { Memory: 32 << 20, MemorySwap: 64 << 20, CpuShares: 100 };
  mergeUpdate('c1', hc, { Memory: 48 << 20, PidsLimit: 10, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
  assert.equal(hc.Memory, 48 << 20);
  assert.equal(hc.MemorySwap, 64 << 20);
  assert.equal(hc.CpuShares, 100);
  assert.equal(hc.PidsLimit, 10);
  assert.deepEqual(hc.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
});

test('update conflicts use dockerd\'s texts and change nothing', () => {
  const unlimited: HostConfig = {};
  assert.throws(() => mergeUpdate('c1', unlimited, { Memory: 64 << 20 }),
    { message: 'Cannot update container c1: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time' });
  assert.deepEqual(unlimited, {});
  assert.throws(() => mergeUpdate('c1', { NanoCpus: 1e9 }, { CpuQuota: 50000 }),
    { message: 'Cannot update container c1: Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set' });
  assert.throws(() => mergeUpdate('c1', { AutoRemove: true }, { RestartPolicy: { Name: 'always' } }),
    { message: 'Cannot update container c1: Restart policy cannot be updated because AutoRemove is enabled for the container' });
  assert.throws(() => validateUpdate({ Memory: 1 }, CG), { message: 'Minimum memory limit allowed is 6MB' });
  assert.throws(() => validateUpdate({ RestartPolicy: { Name: 'bogus' as 'no' } }, CG), { message: "invalid restart policy 'bogus'" });
  assert.throws(() => validateUpdate({ Memory: 'x' as unknown as number }, CG), { message: 'json: cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64' });
  assert.deepEqual(validateUpdate({ MemorySwap: 128 << 20 }, CG), [], 'swap alone is fine in an update');
});

test('CPU realtime values are stored by an update but not sent to the running task (dockerd 20.10)', () => {
  const hc: HostConfig = {};
  const update = { CpuShares: 512, CpuRealtimePeriod: 1_000_000, CpuRealtimeRuntime: 10_000, MemorySwappiness: 10 };
  mergeUpdate('c1', hc, update);
  assert.equal(hc.CpuRealtimePeriod, 1_000_000);
  assert.equal(hc.CpuRealtimeRuntime, 10_000);
  assert.deepEqual(liveUpdateResources(update), { cpu: { shares: 512 } });
  assert.deepEqual(validateUpdate({ CpuRealtimeRuntime: 10_000 }, { ...CG, cpuRealtime: false }), []);
});
