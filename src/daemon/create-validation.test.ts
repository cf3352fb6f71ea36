import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostConfig } from '../api/types/container.js';
import type { CgroupInfo } from './cgroup-info.js';
import { parseCpuset } from './cgroup-info.js';
import { checkCreateBodyTypes } from '../api/types/create-body.js';
import { validateCreate, verifyResources } from './create-validation.js';

/** A create body's Config fields and HostConfig, checked as the router and legacy start check them. */
const checkBodyTypes = (config: Record<string, unknown>, hostConfig: unknown, wrapper?: string): void =>
  checkCreateBodyTypes({ ...config, HostConfig: hostConfig }, wrapper);

const V1: CgroupInfo = {
  version: 1, memoryLimit: true, swapLimit: true, memoryReservation: true, memorySwappiness: true, oomKillDisable: true,
  kernelMemory: true, cpuShares: true, cpuCfs: true, cpuset: true, pidsLimit: true, blkioWeight: false, cpuRealtime: true,
  cpusAvailable: '0-1', memsAvailable: '0', ncpu: 2,
};
const V2: CgroupInfo = { ...V1, version: 2, memorySwappiness: false, oomKillDisable: false, kernelMemory: false, blkioWeight: true, cpuRealtime: false };

const create = (hc: HostConfig, cfg = {}, cg = V1): string[] => validateCreate(cfg, hc, cg);

test('wrong JSON types are Go unmarshal errors', () => {
  assert.throws(() => checkBodyTypes({}, { Memory: 'abc' }), { message: 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64' });
  assert.throws(() => checkBodyTypes({}, { Memory: 1.5 }), { message: 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Memory of type int64' });
  assert.throws(() => checkBodyTypes({}, { BlkioWeight: 70000 }), /number 70000 .* of type uint16/);
  assert.throws(() => checkBodyTypes({ Env: ['A=1', 2] }, undefined), { message: 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string' });
  assert.throws(() => checkBodyTypes({}, { CapAdd: 5 }), /cannot unmarshal number .*HostConfig\.HostConfig\.CapAdd of type strslice\.StrSlice/);
  assert.throws(() => checkBodyTypes({}, { CapAdd: ['NET_ADMIN', 5] }), /cannot unmarshal number .*CapAdd of type string/);
  assert.throws(() => checkBodyTypes({}, 'x'), { message: 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.HostConfig of type container.HostConfig' });
  assert.throws(() => checkBodyTypes({}, { Memory: 'x' }, 'HostConfig'), { message: 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64' });
  // CapAdd/CapDrop are Go StrSlices: one string is one capability, stored as a list (as dockerd).
  checkBodyTypes({}, { CapAdd: 'NET_ADMIN' });
  const single: HostConfig = { CapAdd: 'net_admin' as unknown as string[] };
  assert.deepEqual(create(single), []);
  assert.deepEqual(single.CapAdd, ['net_admin']);
  checkBodyTypes({ Env: ['A=1'], Tty: true }, { Memory: 1 << 30, PidsLimit: null, Privileged: false });
});

test('memory limits: minimums, swap, reservation; defaults dockerd fills in', () => {
  assert.throws(() => create({ Memory: 1024 }), { message: 'Minimum memory limit allowed is 6MB' });
  assert.throws(() => create({ Memory: 64 << 20, MemorySwap: 32 << 20 }), { message: 'Minimum memoryswap limit should be larger than memory limit, see usage' });
  assert.throws(() => create({ MemorySwap: 64 << 20 }), { message: 'You should always set the Memory limit when using Memoryswap limit, see usage' });
  assert.throws(() => create({ MemoryReservation: 1024 }), { message: 'Minimum memory reservation allowed is 6MB' });
  assert.throws(() => create({ Memory: 16 << 20, MemoryReservation: 32 << 20 }), { message: 'Minimum memory limit can not be less than memory reservation limit, see usage' });
  assert.throws(() => create({ MemorySwappiness: 200 }), { message: 'Invalid value: 200, valid memory swappiness range is 0-100' });
  const hc: HostConfig = { Memory: 32 << 20 };
  assert.deepEqual(create(hc), []);
  assert.equal(hc.MemorySwap, 64 << 20);
  assert.equal(hc.ShmSize, 64 << 20);
  assert.equal(hc.IpcMode, 'private');
  assert.equal(hc.CgroupnsMode, 'host');
  const v2: HostConfig = {};
  validateCreate({}, v2, V2);
  assert.equal(v2.CgroupnsMode, 'private');
  assert.throws(() => create({ CgroupnsMode: 'bogus' }), { message: 'invalid cgroup namespace mode: bogus' });
});

test('cpu limits and cpusets', () => {
  assert.throws(() => create({ NanoCpus: 1e9, CpuPeriod: 100000 }), { message: 'Conflicting options: Nano CPUs and CPU Period cannot both be set' });
  assert.throws(() => create({ NanoCpus: 3e9 }), { message: 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available' });
  assert.throws(() => create({ CpuPeriod: 10 }), { message: 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)' });
  assert.throws(() => create({ CpuQuota: 10 }), { message: 'CPU cfs quota can not be less than 1ms (i.e. 1000)' });
  assert.throws(() => create({ CpusetCpus: '0-9' }), { message: 'Requested CPUs are not available - requested 0-9, available: 0-1' });
  assert.throws(() => create({ CpusetCpus: 'x' }), { message: 'Invalid value x for cpuset cpus' });
  assert.deepEqual([...parseCpuset('0-2,5')!], [0, 1, 2, 5]);
});

test('CPU realtime: refused without realtime group scheduling, runtime at most the period', () => {
  assert.deepEqual(create({ CpuRealtimePeriod: 1_000_000, CpuRealtimeRuntime: 10_000 }), []);
  assert.throws(() => create({ CpuRealtimeRuntime: 10_000 }, {}, V2), { message: 'Your kernel does not support CPU real-time scheduler' });
  assert.throws(() => create({ CpuRealtimePeriod: 1000, CpuRealtimeRuntime: 2000 }), { message: 'cpu real-time runtime cannot be higher than cpu real-time period' });
});

test('ulimits are not checked at create (runc refuses unknown ones at start)', () => {
  assert.deepEqual(create({ Ulimits: [{}, { Name: 'bogus', Soft: 10, Hard: 2 }] }), []);
});

test('unsupported settings are discarded with dockerd\'s warnings (v1 without blkio weight, v2)', () => {
  const hc: HostConfig = { BlkioWeight: 300 };
  assert.deepEqual(create(hc), ['Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.']);
  assert.equal(hc.BlkioWeight, 0);
  assert.deepEqual(create({ OomKillDisable: true }), ['OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.']);
  const v2: HostConfig = { Memory: 32 << 20, OomKillDisable: true, MemorySwappiness: 10 };
  assert.deepEqual(verifyResources(v2, V2, false), [
    'Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.',
    'Your kernel does not support OomKillDisable. OomKillDisable discarded.',
  ]);
  assert.throws(() => create({ BlkioWeight: 5 }, {}, V2), { message: 'Range of blkio weight is from 10 to 1000' });
});

test('conflicts, modes, restart policy and other settings', () => {
  assert.throws(() => create({ NetworkMode: 'container:web' }, { Hostname: 'x' }), { message: 'conflicting options: hostname and the network mode' });
  assert.throws(() => create({ NetworkMode: 'container:web', Dns: ['1.1.1.1'] }), { message: 'conflicting options: dns and the network mode' });
  assert.throws(() => create({ NetworkMode: 'container:' }), { message: 'Invalid network mode: invalid container format container:<name|id>' });
  assert.throws(() => create({ UTSMode: 'host' }, { Hostname: 'x' }), { message: 'conflicting options: hostname and the UTS mode' });
  assert.throws(() => create({ IpcMode: 'bogus' }), { message: 'Invalid IPC mode: bogus' });
  assert.throws(() => create({ RestartPolicy: { Name: 'always' }, AutoRemove: true }), { message: "can't create 'AutoRemove' container with restart policy" });
  assert.throws(() => create({ RestartPolicy: { Name: 'sometimes' as 'always' } }), { message: "invalid restart policy 'sometimes'" });
  assert.throws(() => create({ CapAdd: ['FOO'] }), { message: 'invalid CapAdd: unknown capability: "CAP_FOO"' });
  assert.throws(() => create({ OomScoreAdj: 5000 }), { message: 'Invalid value 5000, range for oom score adj is [-1000, 1000]' });
  assert.throws(() => create({ ShmSize: -1 }), { message: 'SHM size can not be less than 0' });
  assert.throws(() => create({ Runtime: 'foo' }), { message: 'Unknown runtime specified foo' });
  assert.throws(() => create({ ExtraHosts: ['bad'] }), { message: 'bad format for add-host: "bad"' });
  assert.throws(() => create({}, { WorkingDir: 'rel' }), { message: "the working directory 'rel' is invalid, it needs to be an absolute path" });
  assert.throws(() => create({}, { StopSignal: 'FOO' }), { message: 'Invalid signal: FOO' });
  assert.throws(() => create({ Mounts: [{ Type: 'bind', Source: '/nonexistent-src', Target: '/x' }] }),
    { message: 'invalid mount config for type "bind": bind source path does not exist: /nonexistent-src' });
  assert.deepEqual(create({ Binds: ['/nonexistent-src:/x'], CapAdd: ['net_admin'], SecurityOpt: ['no-new-privileges'] }), []);
});
