import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legacyListFilters, logsContentType, shapeCreateRequest, shapeInspect, shapeSummary, shapeUpdateRequest, shapeWaitResult, stopSignal } from './shape.js';
import { LEGACY_MAC_ADDRESS } from './backend.js';

test('list shape: State/Mounts from 1.23, HostConfig/NetworkSettings 1.22, ImageID 1.21, Labels 1.18', () => {
  const s = { Id: 'x', Names: ['/a'], State: 'running', Labels: {}, Mounts: [], HostConfig: {}, NetworkSettings: {}, ImageID: 'sha256:y' };
  assert.deepEqual(shapeSummary(s, '1.41'), s);
  assert.deepEqual(Object.keys(shapeSummary(s, '1.22')).sort(), ['HostConfig', 'Id', 'ImageID', 'Labels', 'Names', 'NetworkSettings']);
  assert.deepEqual(Object.keys(shapeSummary(s, '1.21')).sort(), ['Id', 'ImageID', 'Labels', 'Names']);
  assert.deepEqual(Object.keys(shapeSummary(s, '1.18')).sort(), ['Id', 'Labels', 'Names']);
  assert.deepEqual(shapeSummary(s, '1.12'), { Id: 'x', Names: ['/a'] });
});

const current = {
  Id: 'x',
  State: { Status: 'running', Running: true, Dead: false },
  Mounts: [{ Source: '/host', Destination: '/data', RW: false }],
  Platform: 'linux',
  Config: { Image: 'busybox' },
  HostConfig: { Memory: 1024, CpuShares: 2, CpusetCpus: '0', MemorySwap: 0, VolumeDriver: '' },
  NetworkSettings: { SandboxID: '', SandboxKey: '', Ports: {}, Networks: {} },
};

const LEGACY_NETWORK_SETTINGS = {
  Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: {},
  SandboxKey: '', SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '',
  GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
  Networks: {},
};

test('inspect 1.52–1.55: the backend\'s shape; the legacy MAC address never leaks', () => {
  assert.equal(shapeInspect(current, '1.55'), current);
  const withMac = { ...current, [LEGACY_MAC_ADDRESS]: '02:42:ac:11:00:05' };
  assert.deepEqual(shapeInspect(withMac, '1.52'), current);
});

test('inspect 1.51 (golden): NetworkSettings\' deprecated fields, Config.MacAddress and OnBuild back; no KernelMemory', () => {
  const v151 = shapeInspect({ ...current, [LEGACY_MAC_ADDRESS]: '02:42:ac:11:00:05' }, '1.51');
  assert.deepEqual(v151, { ...current, NetworkSettings: LEGACY_NETWORK_SETTINGS, Config: { Image: 'busybox', MacAddress: '02:42:ac:11:00:05', OnBuild: null } });
  assert.deepEqual(Object.keys(v151.NetworkSettings as object), Object.keys(LEGACY_NETWORK_SETTINGS), 'dockerd 20.10 key order');
});

test('inspect 1.41 (golden): today\'s shape, KernelMemory/KernelMemoryTCP 0 after DeviceRequests', () => {
  const hc = { DeviceRequests: null, MemoryReservation: 0 };
  const v141 = shapeInspect({ ...current, HostConfig: hc }, '1.41');
  assert.deepEqual(v141, {
    ...current, NetworkSettings: LEGACY_NETWORK_SETTINGS, Config: { Image: 'busybox', OnBuild: null },
    HostConfig: { DeviceRequests: null, KernelMemory: 0, KernelMemoryTCP: 0, MemoryReservation: 0 },
  });
  assert.deepEqual(Object.keys(v141.HostConfig as object), ['DeviceRequests', 'KernelMemory', 'KernelMemoryTCP', 'MemoryReservation']);
});

test('inspect 1.24 keeps Platform and State.Status/Dead (dockerd sends them; no CHANGELOG entry adds them)', () => {
  const v124 = shapeInspect(current, '1.24');
  assert.equal(v124.Platform, 'linux');
  assert.deepEqual(v124.State, current.State);
  assert.ok(!('ExecDriver' in v124));
});

test('inspect 1.18 (golden): Volumes/VolumesRW, no Mounts, ExecDriver, resources in Config, Ports null, no size', () => {
  const old = shapeInspect({ ...current, SizeRw: 0, SizeRootFs: 5 }, '1.18');
  assert.deepEqual(old.State, current.State);
  assert.deepEqual(old.Volumes, { '/data': '/host' });
  assert.deepEqual(old.VolumesRW, { '/data': false });
  assert.ok(!('Mounts' in old));
  assert.ok(!('SizeRw' in old) && !('SizeRootFs' in old), 'size: 1.21');
  assert.equal(old.Platform, 'linux');
  assert.equal(old.ExecDriver, 'native-0.2');
  assert.deepEqual(old.Config, {
    Image: 'busybox', OnBuild: null, Memory: 1024, MemorySwap: 0, CpuShares: 2, Cpuset: '0', VolumeDriver: '',
    MacAddress: '', NetworkDisabled: false, ExposedPorts: null,
  });
  const { Networks: _, ...withoutNetworks } = LEGACY_NETWORK_SETTINGS;
  assert.deepEqual(old.NetworkSettings, { ...withoutNetworks, Ports: null });
});

test('inspect 1.20 has Mounts, Ports null when there are none; 1.21 the port map and size', () => {
  const v120 = shapeInspect({ ...current, SizeRw: 1 }, '1.20');
  assert.ok('Mounts' in v120 && !('Volumes' in v120) && !('SizeRw' in v120));
  assert.equal((v120.NetworkSettings as Record<string, unknown>).Ports, null);
  const ports = { '80/tcp': null };
  const withPorts = shapeInspect({ ...current, NetworkSettings: { ...current.NetworkSettings, Ports: ports } }, '1.20');
  assert.deepEqual((withPorts.NetworkSettings as Record<string, unknown>).Ports, ports);
  const v121 = shapeInspect({ ...current, SizeRw: 1 }, '1.21');
  assert.deepEqual((v121.NetworkSettings as Record<string, unknown>).Ports, {});
  assert.equal(v121.SizeRw, 1);
});

test('logs Content-Type: raw-stream up to 1.41 and for TTY; multiplexed-stream from 1.42 without TTY', () => {
  assert.equal(logsContentType('1.41', false), 'application/vnd.docker.raw-stream');
  assert.equal(logsContentType('1.12', true), 'application/vnd.docker.raw-stream');
  assert.equal(logsContentType('1.42', true), 'application/vnd.docker.raw-stream');
  assert.equal(logsContentType('1.42', false), 'application/vnd.docker.multiplexed-stream');
});

test('list: HostConfig.Annotations from 1.46', () => {
  const s = { Id: 'x', HostConfig: { NetworkMode: 'default', Annotations: { a: 'b' } } };
  assert.equal(shapeSummary(s, '1.46'), s);
  assert.deepEqual(shapeSummary(s, '1.45').HostConfig, { NetworkMode: 'default' });
});

test('create request per version: ConsoleSize 1.42, KernelMemory ignored 1.42, Annotations 1.43, StartInterval 1.44, MacAddress', () => {
  const body = {
    Image: 'busybox', MacAddress: '02:42:ac:11:00:05', Healthcheck: { Test: ['CMD', 'true'], StartInterval: 1e9 },
    HostConfig: { ConsoleSize: [10, 20] as [number, number], KernelMemory: 1, Annotations: { a: 'b' } },
  };
  const v141 = shapeCreateRequest(body, '1.41');
  assert.deepEqual(v141.body.HostConfig, { KernelMemory: 1 });
  assert.deepEqual(v141.body.Healthcheck, { Test: ['CMD', 'true'] });
  assert.deepEqual(v141.warnings, []);
  const v143 = shapeCreateRequest(body, '1.43');
  assert.deepEqual(v143.body.HostConfig, { ConsoleSize: [10, 20], Annotations: { a: 'b' } });
  const v144 = shapeCreateRequest(body, '1.44');
  assert.deepEqual(v144.body.Healthcheck, body.Healthcheck);
  assert.deepEqual(v144.warnings, ['The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.']);
  const v152 = shapeCreateRequest(body, '1.52');
  assert.equal(v152.body.MacAddress, undefined);
  assert.deepEqual(v152.warnings, []);
  assert.throws(() => shapeCreateRequest({ Image: 'b', HostConfig: { Capabilities: ['CAP_NET_ADMIN'] } as never }, '1.40'), /HostConfig.Capabilities field is not supported/);
  assert.equal(shapeCreateRequest({ Image: 'b', HostConfig: { Capabilities: ['CAP_NET_ADMIN'] } as never }, '1.41').warnings.length, 0);
  const mixed = { Image: 'b', HostConfig: { Mounts: [{ Type: 'bind', Source: '/s', Target: '/t', VolumeOptions: {}, TmpfsOptions: {}, BindOptions: { CreateMountpoint: true } }] } };
  assert.deepEqual(shapeCreateRequest(mixed, '1.41').body.HostConfig?.Mounts, [{ Type: 'bind', Source: '/s', Target: '/t', BindOptions: { CreateMountpoint: false } }]);
  assert.throws(() => shapeCreateRequest(mixed, '1.42'), { message: 'VolumeOptions must not be specified on mount type "bind"' });
  const vd = { Image: 'b', HostConfig: { VolumeDriver: 'x', Mounts: [{ Type: 'volume', Target: '/v' }] } };
  assert.deepEqual(shapeCreateRequest(vd, '1.47').warnings, []);
  assert.match(shapeCreateRequest(vd, '1.48').warnings[0] ?? '', /container-wide volume-driver configuration is ignored/);
});

test('stop/restart signal from 1.42; per-device blkio on update from 1.55', () => {
  assert.equal(stopSignal('SIGINT', '1.41'), undefined);
  assert.equal(stopSignal('SIGINT', '1.42'), 'SIGINT');
  const update = { Memory: 1, BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1 }] };
  assert.deepEqual(shapeUpdateRequest(update, '1.54'), { Memory: 1 });
  assert.deepEqual(shapeUpdateRequest(update, '1.55'), update);
});

test('wait body: Error from 1.34', () => {
  assert.deepEqual(shapeWaitResult({ StatusCode: 3 }, '1.33'), { StatusCode: 3 });
  assert.deepEqual(shapeWaitResult({ StatusCode: 3, Error: { Message: 'x' } }, '1.30'), { StatusCode: 3 });
  assert.deepEqual(shapeWaitResult({ StatusCode: 3 }, '1.34'), { StatusCode: 3, Error: null });
  assert.deepEqual(shapeWaitResult({ StatusCode: 3, Error: { Message: 'x' } }, '1.41'), { StatusCode: 3, Error: { Message: 'x' } });
});

test('list: since/before query parameters up to 1.24, ignored from 1.25', () => {
  assert.deepEqual(legacyListFilters({ since: 'a', before: 'b' }, '1.24'), { since: ['a'], before: ['b'] });
  assert.deepEqual(legacyListFilters({ before: 'b' }, '1.12'), { before: ['b'] });
  assert.deepEqual(legacyListFilters({ since: 'a', before: 'b' }, '1.25'), {});
});

test('inspect before 1.45: user-defined networks\' Aliases also carry the short ID and hostname; 1.45 as asked', () => {
  const ep = { Aliases: ['web'], NetworkID: 'n', DNSNames: ['c', '0123456789ab', 'web'] };
  const c = {
    ...current, Id: '0123456789abcdef', Config: { Image: 'busybox', Hostname: 'h1' },
    NetworkSettings: { ...current.NetworkSettings as object, Networks: { mynet: ep, bridge: { Aliases: null, NetworkID: 'b' } } },
  } as unknown as Parameters<typeof shapeInspect>[0];
  const nets = (v: string): Record<string, { Aliases: string[] | null }> => (shapeInspect(c, v).NetworkSettings as { Networks: Record<string, { Aliases: string[] | null }> }).Networks;
  assert.deepEqual(nets('1.44').mynet!.Aliases, ['web', '0123456789ab', 'h1']);
  assert.deepEqual(nets('1.44').bridge!.Aliases, null);
  assert.deepEqual(nets('1.45').mynet!.Aliases, ['web']);
  assert.deepEqual(nets('1.55').mynet!.Aliases, ['web']);
});

test('create: one EndpointsConfig before 1.44 (dockerd\'s message); GwPriority dropped before 1.48', () => {
  const body = { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { a: { GwPriority: 5 }, b: {} } } } as unknown as Parameters<typeof shapeCreateRequest>[0];
  assert.throws(() => shapeCreateRequest(body, '1.43'), { message: 'Container cannot be connected to network endpoints: a, b' });
  const eps = (v: string): unknown => (shapeCreateRequest(body, v).body as { NetworkingConfig: { EndpointsConfig: unknown } }).NetworkingConfig.EndpointsConfig;
  assert.deepEqual(eps('1.47'), { a: {}, b: {} });
  assert.deepEqual(eps('1.48'), { a: { GwPriority: 5 }, b: {} });
  const one = { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { a: { Aliases: ['x'] } } } } as unknown as Parameters<typeof shapeCreateRequest>[0];
  assert.deepEqual((shapeCreateRequest(one, '1.24').body as { NetworkingConfig: unknown }).NetworkingConfig, { EndpointsConfig: { a: { Aliases: ['x'] } } });
});
