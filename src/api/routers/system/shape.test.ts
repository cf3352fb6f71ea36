import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeInfo, shapeVersion } from './shape.js';
import type { VersionResult } from './backend.js';

const v: VersionResult = {
  Platform: { Name: 'Berth' }, Components: [], Version: '0.1.0', ApiVersion: '1.41', MinAPIVersion: '1.12',
  GitCommit: '', GoVersion: 'node', Os: 'linux', Arch: 'amd64', KernelVersion: '6', BuildTime: '',
};

test('version: components only from 1.35, MinAPIVersion from 1.25', () => {
  assert.ok('Components' in shapeVersion(v, '1.41'));
  assert.ok(!('Components' in shapeVersion(v, '1.30')));
  assert.ok('MinAPIVersion' in shapeVersion(v, '1.30'));
  assert.ok(!('MinAPIVersion' in shapeVersion(v, '1.12')));
});

test('info: state counts from 1.22 (CHANGELOG v1.22), CgroupVersion from 1.40', () => {
  const info = { Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2, CgroupVersion: '1' };
  assert.deepEqual(shapeInfo(info, '1.55'), info);
  assert.deepEqual(shapeInfo(info, '1.41'), { ...info, KernelMemory: false, KernelMemoryTCP: false });
  assert.deepEqual(shapeInfo(info, '1.39'), { Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2, KernelMemory: false, KernelMemoryTCP: false });
  assert.deepEqual(pick(shapeInfo(info, '1.22'), 'ContainersRunning', 'ContainersStopped'), { ContainersRunning: 1, ContainersStopped: 2 });
  assert.ok(!('ContainersRunning' in shapeInfo(info, '1.21')));
});

const host = {
  KernelVersion: '', OperatingSystem: 'Debian', Debug: false, IPv4Forwarding: true, MemoryLimit: true, SwapLimit: false,
  SecurityOptions: ['name=seccomp,profile=default', 'name=cgroupns'],
};

test('info 1.41 and 1.39: host facts as they are; 1.38: empty ones are "<unknown>"', () => {
  assert.deepEqual(pick(shapeInfo(host, '1.41'), ...Object.keys(host)), host);
  assert.deepEqual(pick(shapeInfo(host, '1.39'), ...Object.keys(host)), host);
  assert.deepEqual(pick(shapeInfo(host, '1.38'), 'KernelVersion', 'OperatingSystem'), { KernelVersion: '<unknown>', OperatingSystem: 'Debian' });
  assert.ok(!('ExecutionDriver' in shapeInfo(host, '1.25')));
});

test('info 1.24: ExecutionDriver, InitPath, InitSha1 and security options by name', () => {
  const v124 = shapeInfo(host, '1.24');
  assert.deepEqual(pick(v124, 'ExecutionDriver', 'InitPath', 'InitSha1', 'SecurityOptions', 'Debug'), {
    ExecutionDriver: '<not supported>', InitPath: '', InitSha1: '', SecurityOptions: ['seccomp', 'cgroupns'], Debug: false,
  });
});

test('info: InitPath before 1.25, InitSha1 only from 1.16 (as the docs list them)', () => {
  const info = { Debug: false };
  assert.deepEqual(pick(shapeInfo(info, '1.12'), 'InitPath', 'InitSha1'), { InitPath: '' });
  assert.deepEqual(pick(shapeInfo(info, '1.16'), 'InitPath', 'InitSha1'), { InitPath: '', InitSha1: '' });
  assert.deepEqual(pick(shapeInfo(info, '1.25'), 'InitPath', 'InitSha1'), {});
});

test('info 1.18: Debug, IPv4Forwarding, MemoryLimit, SwapLimit as 0/1', () => {
  assert.deepEqual(pick(shapeInfo(host, '1.18'), 'Debug', 'IPv4Forwarding', 'MemoryLimit', 'SwapLimit', 'ExecutionDriver'), {
    Debug: 0, IPv4Forwarding: 1, MemoryLimit: 1, SwapLimit: 0, ExecutionDriver: '<not supported>',
  });
  assert.equal(shapeInfo(host, '1.19').Debug, false);
});

function pick(o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

const newest = {
  MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, IPv4Forwarding: true, Debug: false,
  RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'] },
  ContainerdCommit: { ID: 'abc' }, RuncCommit: { ID: '' }, InitCommit: { ID: '' },
  Warnings: [], CDISpecDirs: [], Containerd: { Address: '/run/c.sock', Namespaces: { Containers: 'berth', Plugins: 'plugins.berth' } },
};

test('info golden per version: 1.55 as the backend says; older versions get dockerd\'s legacy fields back', () => {
  assert.deepEqual(shapeInfo(newest, '1.55'), newest);
  const v149 = shapeInfo(newest, '1.49');
  assert.deepEqual(v149, { ...newest, BridgeNfIptables: false, BridgeNfIp6tables: false });
  assert.deepEqual(Object.keys(v149).slice(3, 6), ['IPv4Forwarding', 'BridgeNfIptables', 'BridgeNfIp6tables']);
  const v148 = shapeInfo(newest, '1.48');
  assert.deepEqual(v148.ContainerdCommit, { ID: 'abc', Expected: 'abc' });
  assert.deepEqual(v148.RegistryConfig, { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['127.0.0.0/8'] });
  assert.ok('Containerd' in shapeInfo(newest, '1.46') && !('Containerd' in shapeInfo(newest, '1.45')));
  assert.ok('CDISpecDirs' in shapeInfo(newest, '1.44') && !('CDISpecDirs' in shapeInfo(newest, '1.43')));
  assert.ok(!('KernelMemory' in shapeInfo(newest, '1.42')));
  const v141 = shapeInfo(newest, '1.41');
  assert.deepEqual(Object.keys(v141), [
    'MemoryLimit', 'SwapLimit', 'KernelMemory', 'KernelMemoryTCP', 'CpuCfsPeriod', 'IPv4Forwarding', 'BridgeNfIptables', 'BridgeNfIp6tables',
    'Debug', 'RegistryConfig', 'ContainerdCommit', 'RuncCommit', 'InitCommit', 'Warnings',
  ]);
  assert.deepEqual((v141.RegistryConfig as Record<string, unknown>).AllowNondistributableArtifactsCIDRs, []);
});
