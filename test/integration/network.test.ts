// Networking end to end with the real docker CLI: `docker network` create/ls/inspect/connect/
// disconnect/rm/prune, IPAM (subnet, ip-range, gateway, --ip), published ports reached on
// 127.0.0.1 through berthd's proxy (-p, -p ip:h:c, ephemeral, -P, docker port), host/none/
// container: modes, dockerd's errors, ports answering again after a kill -9, and no bridge,
// veth or namespace left behind. Each berthd has its own bridge and subnets (harness.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Berthd, busyboxTar, cliAsserts, dockerPy, skipReason, startBerthd, waitFor } from './harness.js';

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

function httpGet(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

const hasCompose = spawnSync('sh', ['-c', 'command -v docker-compose']).status === 0;
const nftTable = (bridge: string): string => `berth_${bridge.replace(/[^A-Za-z0-9_]/g, '_')}`;
const links = (): string => spawnSync('ip', ['-o', 'link']).stdout.toString();
const netnsList = (): string[] => { try { return fs.readdirSync('/run/netns'); } catch { return []; } };

describe('network', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok, fails } = cliAsserts(() => d);
  const sub = (): { a: string; b: string } => {
    const m = /^10\.(\d+)\.(\d+)\./.exec(d.bridge.bip)!;
    return { a: m[1]!, b: m[2]! };
  };

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('the predefined networks and the default bridge on its own Linux bridge', async () => {
    const names = (await ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).split('\n').sort();
    assert.deepEqual(names, ['bridge bridge', 'host host', 'none null']);
    const [bridge] = JSON.parse(await ok(['network', 'inspect', 'bridge'])) as Array<{ IPAM: { Config: Array<{ Subnet: string; Gateway: string }> }; Options: Record<string, string> }>;
    const { a, b } = sub();
    assert.deepEqual(bridge!.IPAM.Config, [{ Subnet: `10.${a}.${b}.0/24`, Gateway: `10.${a}.${b}.1` }]);
    assert.equal(bridge!.Options['com.docker.network.bridge.name'], d.bridge.name);
    assert.match(spawnSync('ip', ['-4', 'addr', 'show', d.bridge.name]).stdout.toString(), new RegExp(`inet 10\\.${a}\\.${b}\\.1/24`));
    // outbound NAT for the bridge's subnet in berthd's own nftables table
    const table = spawnSync('nft', ['list', 'table', 'ip', nftTable(d.bridge.name)]).stdout.toString();
    assert.match(table, new RegExp(`ip saddr 10\\.${a}\\.${b}\\.0/24 oifname != "${d.bridge.name}" masquerade`));
    await fails(['network', 'rm', 'bridge'], /bridge is a pre-defined network and cannot be removed/);
    await fails(['network', 'inspect', 'nosuchnet'], /network nosuchnet not found/);
  });

  test('a container on the default bridge: address, MAC, hosts file, inspect in old and new shapes', async () => {
    const id = await ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    const ns = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings}}', 'plain'])) as Record<string, unknown> & { Networks: Record<string, { IPAddress: string; MacAddress: string; Gateway: string; IPPrefixLen: number }> };
    const ep = ns.Networks.bridge!;
    const { a, b } = sub();
    assert.match(ep.IPAddress, new RegExp(`^10\\.${a}\\.${b}\\.\\d+$`));
    assert.equal(ep.Gateway, `10.${a}.${b}.1`);
    assert.equal(ep.IPPrefixLen, 24);
    assert.match(ep.MacAddress, /^02:42:0a:/);
    const inside = await ok(['exec', 'plain', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    assert.match(inside, new RegExp(`inet ${ep.IPAddress.replace(/\./g, '\\.')}/24`));
    assert.match(await ok(['exec', 'plain', 'cat', '/etc/hosts']), new RegExp(`${ep.IPAddress.replace(/\./g, '\\.')}\\t${id.slice(0, 12)}`));
    // --add-host NAME:host-gateway names the default bridge's gateway
    assert.match(await ok(['run', '--rm', '--add-host', 'host.docker.internal:host-gateway', 'busybox', 'cat', '/etc/hosts']),
      new RegExp(`^10\\.${a}\\.${b}\\.1\\thost\\.docker\\.internal$`, 'm'));
    // before 1.52 the default bridge's endpoint is repeated in the flat fields
    const old = JSON.parse((await d.request('GET', '/v1.43/containers/plain/json')).body) as { NetworkSettings: { IPAddress: string; Gateway: string } };
    assert.equal(old.NetworkSettings.IPAddress, ep.IPAddress);
    assert.equal(old.NetworkSettings.Gateway, ep.Gateway);
    const v120 = JSON.parse((await d.request('GET', '/v1.20/containers/plain/json')).body) as { NetworkSettings: Record<string, unknown> };
    assert.equal(v120.NetworkSettings.IPAddress, ep.IPAddress);
    assert.equal('Networks' in v120.NetworkSettings, false);
    const [bridge] = JSON.parse(await ok(['network', 'inspect', 'bridge'])) as Array<{ Containers: Record<string, { Name: string; IPv4Address: string }> }>;
    assert.deepEqual(bridge!.Containers[id], { ...bridge!.Containers[id]!, Name: 'plain', IPv4Address: `${ep.IPAddress}/24` });
    await ok(['rm', '-f', 'plain']);
    await waitFor('its namespace to go', async () => !netnsList().some((n) => n.startsWith(`berth-${id.slice(0, 12)}`)));
  });

  test('published ports: -p ip:host:container, ephemeral, -P, docker port, a taken port', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, '-p', '127.0.0.1::81', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    const r = await waitFor('httpd through the proxy', async () => httpGet(port, '/hostname').catch(() => undefined));
    assert.equal(r.status, 200);
    const hostname = await ok(['exec', 'web', 'hostname']);
    assert.equal(r.body.trim(), hostname);
    const ports = (await ok(['port', 'web'])).split('\n').sort();
    assert.equal(ports[0], `80/tcp -> 127.0.0.1:${port}`);
    assert.match(ports[1]!, /^81\/tcp -> 127\.0\.0\.1:\d+$/);
    const inspectPorts = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'web'])) as Record<string, Array<{ HostIp: string; HostPort: string }>>;
    assert.deepEqual(inspectPorts['80/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    assert.equal(ports[1]!.endsWith(`:${inspectPorts['81/tcp']![0]!.HostPort}`), true);
    assert.match(await ok(['ps', '--filter', 'name=web', '--format', '{{.Ports}}']), new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`));
    // the same host port again: the start fails with dockerd's message, berthd stays up
    await fails(['run', '-d', '--name', 'web2', '-p', `127.0.0.1:${port}:80`, 'busybox', 'httpd', '-f', '-p', '80'], /address already in use/);
    await ok(['rm', '-f', 'web2']);
    // a start that fails after the network was set up gives its port back at once
    const port2 = await freePort();
    await fails(['run', '-d', '--name', 'nocmd', '-p', `127.0.0.1:${port2}:80`, 'busybox', 'no-such-command'], /no-such-command/);
    await ok(['run', '-d', '--name', 'takes', '-p', `127.0.0.1:${port2}:80`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    assert.equal((await waitFor('the freed port', async () => httpGet(port2, '/hostname').catch(() => undefined))).status, 200);
    await ok(['rm', '-f', 'nocmd', 'takes']);
    // -P publishes every exposed port on an ephemeral one
    await ok(['run', '-d', '--name', 'pall', '-P', '--expose', '8080', '--expose', '9090/udp', 'busybox', 'httpd', '-f', '-p', '8080', '-h', '/etc']);
    const pall = (await ok(['port', 'pall'])).split('\n').sort();
    assert.equal(pall.length, 2);
    assert.match(pall[0]!, /^8080\/tcp -> 0\.0\.0\.0:\d+$/);
    assert.match(pall[1]!, /^9090\/udp -> 0\.0\.0\.0:\d+$/);
    const eph = Number(/:(\d+)$/.exec(pall[0]!)![1]);
    assert.equal((await waitFor('-P port', async () => httpGet(eph, '/hostname').catch(() => undefined))).status, 200);
    await ok(['rm', '-f', 'web', 'pall']);
    await assert.rejects(httpGet(port, '/hostname'));
  });

  test('user-defined networks: IPAM options, --ip, connect/disconnect, errors, rm and prune', async () => {
    const { a, b } = sub();
    const subnet = `10.${a}.${Number(b) + 3}.0/24`;
    const base = `10.${a}.${Number(b) + 3}`;
    const id = await ok(['network', 'create', '--subnet', subnet, '--ip-range', `${base}.128/25`, '--gateway', `${base}.254`, '--label', 'k=v', 'ipamnet']);
    assert.match(id, /^[0-9a-f]{64}$/);
    await fails(['network', 'create', 'ipamnet'], /network with name ipamnet already exists/);
    await fails(['network', 'create', '--subnet', `${base}.0/25`, 'overlap'], /Pool overlaps with other one on this address space/);
    await fails(['network', 'create', '--subnet', 'nonsense', 'badnet'], /invalid CIDR address: nonsense/);
    const auto = await ok(['network', 'create', 'autonet']);
    const [autoNet] = JSON.parse(await ok(['network', 'inspect', auto])) as Array<{ IPAM: { Config: Array<{ Subnet: string }> } }>;
    assert.match(autoNet!.IPAM.Config[0]!.Subnet, new RegExp(`^10\\.${a}\\.${Number(b) + 2}\\.\\d+/26$`));
    const br = `br-${id.slice(0, 12)}`;
    assert.match(links(), new RegExp(`: ${br}:`));

    await ok(['run', '-d', '--name', 'fixed', '--network', 'ipamnet', '--ip', `${base}.10`, 'busybox', 'sleep', '300']);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.ipamnet.IPAddress}}', 'fixed']), `${base}.10`);
    await ok(['run', '-d', '--name', 'ranged', '--network', 'ipamnet', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.ipamnet.IPAddress}}', 'ranged']), `${base}.128`);
    await fails(['run', '--rm', '--network', 'ipamnet', '--ip', '10.1.2.3', 'busybox', 'true'], /no configured subnet or ip-range contain the IP address 10\.1\.2\.3/);
    await fails(['run', '--rm', '--ip', `${base}.11`, 'busybox', 'true'], /user specified IP address is supported on user defined networks only/);

    // connect a running container: a second interface at once; twice is an error
    await ok(['network', 'connect', 'autonet', 'fixed']);
    assert.match(await ok(['exec', 'fixed', 'ip', '-o', 'link']), /eth1/);
    await fails(['network', 'connect', 'autonet', 'fixed'], /endpoint with name fixed already exists in network autonet/);
    const [inspected] = JSON.parse(await ok(['network', 'inspect', 'ipamnet'])) as Array<{ Containers: Record<string, { Name: string }>; Labels: Record<string, string> }>;
    assert.deepEqual(Object.values(inspected!.Containers).map((c) => c.Name).sort(), ['fixed', 'ranged']);
    assert.deepEqual(inspected!.Labels, { k: 'v' });
    await fails(['network', 'rm', 'ipamnet'], /has active endpoints/);
    await ok(['network', 'disconnect', 'autonet', 'fixed']);
    assert.doesNotMatch(await ok(['exec', 'fixed', 'ip', '-o', 'link']), /eth1/);
    await fails(['network', 'disconnect', 'autonet', 'fixed'], /is not connected to network autonet/);
    // a stopped container is connected in its record, and joins at start
    await ok(['create', '--name', 'later', '--network', 'ipamnet', 'busybox', 'sleep', '300']);
    await ok(['network', 'connect', 'autonet', 'later']);
    await ok(['start', 'later']);
    assert.equal((await ok(['exec', 'later', 'ip', '-4', '-o', 'addr'])).split('\n').filter((l) => /eth\d/.test(l)).length, 2);

    assert.deepEqual((await ok(['network', 'ls', '--filter', 'label=k=v', '--format', '{{.Name}}'])).split('\n'), ['ipamnet']);
    assert.deepEqual((await ok(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}'])).split('\n').sort(), ['autonet', 'ipamnet']);
    await ok(['rm', '-f', 'fixed', 'ranged', 'later']);
    await ok(['network', 'create', 'unused']);
    const pruned = await ok(['network', 'prune', '-f']);
    assert.match(pruned, /autonet/); assert.match(pruned, /ipamnet/); assert.match(pruned, /unused/);
    assert.deepEqual((await ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n').sort(), ['bridge', 'host', 'none']);
    assert.doesNotMatch(links(), new RegExp(`: ${br}:`));
    assert.equal(spawnSync('nft', ['list', 'table', 'ip', nftTable(br)]).status, 1);
  });

  test('embedded DNS on user-defined networks: names, aliases, short IDs; not after disconnect nor across networks', async () => {
    await ok(['network', 'create', 'dnsnet']);
    await ok(['network', 'create', 'othernet']);
    const peerId = await ok(['run', '-d', '--name', 'peer', '--network', 'dnsnet', '--network-alias', 'svc', 'busybox', 'sleep', '300']);
    await ok(['run', '-d', '--name', 'asker', '--network', 'dnsnet', 'busybox', 'sleep', '300']);
    await ok(['run', '-d', '--name', 'stranger', '--network', 'othernet', 'busybox', 'sleep', '300']);
    const peerIp = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.dnsnet.IPAddress}}', 'peer']);
    const resolv = await ok(['exec', 'asker', 'cat', '/etc/resolv.conf']);
    assert.match(resolv, /^nameserver 127\.0\.0\.11$/m);
    assert.doesNotMatch(resolv, /nameserver (?!127\.0\.0\.11)/);
    const lookup = (from: string, name: string): Promise<{ code: number; stdout: string }> => d.docker(['exec', from, 'nslookup', '-type=a', name]);
    for (const name of ['peer', 'svc', peerId.slice(0, 12)]) {
      const r = await lookup('asker', name);
      assert.equal(r.code, 0, `nslookup ${name}: ${r.stdout}`);
      assert.match(r.stdout, new RegExp(`Address: ${peerIp.replace(/\./g, '\\.')}$`, 'm'));
    }
    const dnsNames = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Networks.dnsnet.DNSNames}}', 'peer'])) as string[];
    assert.deepEqual(dnsNames, ['peer', peerId.slice(0, 12), 'svc']);
    // names the network does not know are not looked up anywhere else
    assert.notEqual((await lookup('asker', 'nosuch.invalid')).code, 0);
    // another network's containers do not resolve these names
    assert.notEqual((await lookup('stranger', 'peer')).code, 0);
    // a container connected later resolves them; after disconnect it no longer does
    await ok(['network', 'connect', 'dnsnet', 'stranger']);
    assert.equal((await lookup('stranger', 'peer')).code, 0);
    await ok(['network', 'disconnect', 'dnsnet', 'peer']);
    assert.notEqual((await lookup('asker', 'peer')).code, 0);
    // the default bridge has no embedded DNS (the host's resolvers, as dockerd)
    await ok(['run', '-d', '--name', 'onbridge', 'busybox', 'sleep', '300']);
    assert.doesNotMatch(await ok(['exec', 'onbridge', 'cat', '/etc/resolv.conf']), /127\.0\.0\.11/);
    await ok(['rm', '-f', 'peer', 'asker', 'stranger', 'onbridge']);
    await ok(['network', 'rm', 'dnsnet', 'othernet']);
  });

  test('docker-py network calls (as its api_network tests make them)', { skip: dockerPy ? false : 'no python3 with the docker module' }, async () => {
    const { a, b } = sub();
    const base = `10.${a}.${Number(b) + 3}`;
    const base2 = `10.${a}.${Number(b) + 1}`;
    const p6 = `fd00:be${Number(a).toString(16).padStart(2, '0')}:${Number(b).toString(16)}:9`;
    const script = `
import docker
from docker.types import IPAMConfig, IPAMPool
c = docker.DockerClient(base_url=${JSON.stringify(d.host)})
api = c.api
ipam = IPAMConfig(pool_configs=[IPAMPool(subnet='${base}.0/24', gateway='${base}.1')])
net = api.create_network('pynet', driver='bridge', ipam=ipam, labels={'a': 'b'}, options={'com.docker.network.driver.mtu': '1400'}, internal=True, attachable=True)
nid = net['Id']
info = api.inspect_network(nid)
assert info['IPAM']['Config'] == [{'Subnet': '${base}.0/24', 'Gateway': '${base}.1'}], info['IPAM']
assert info['Labels'] == {'a': 'b'} and info['Internal'] and info['Attachable'], info
assert info['Options']['com.docker.network.driver.mtu'] == '1400'
assert [n['Id'] for n in api.networks(names=['pynet'])] == [nid]
assert [n['Id'] for n in api.networks(ids=[nid])] == [nid]
try:
    api.create_network('pynet', check_duplicate=True)
    raise SystemExit('duplicate accepted')
except docker.errors.APIError as e:
    assert e.status_code == 409, e
ctr = api.create_container('busybox', 'top', host_config=api.create_host_config(network_mode='pynet'),
    networking_config=api.create_networking_config({'pynet': api.create_endpoint_config(aliases=['foo', 'bar'], ipv4_address='${base}.50')}))
api.start(ctr)
ns = api.inspect_container(ctr)['NetworkSettings']['Networks']['pynet']
assert ns['IPAddress'] == '${base}.50', ns
assert ns['Aliases'] == ['foo', 'bar'], ns
assert ns['IPAMConfig'] == {'IPv4Address': '${base}.50'}, ns
assert list(api.inspect_network(nid)['Containers'].keys()) == [ctr['Id']]
other = api.create_container('busybox', 'top')
api.start(other)
api.connect_container_to_network(other, nid, aliases=['baz'], links=[('pyname', 'pyalias')])
assert api.inspect_container(other)['NetworkSettings']['Networks']['pynet']['Aliases'] == ['baz']
try:
    api.connect_container_to_network(other, nid)
    raise SystemExit('connected twice')
except docker.errors.APIError as e:
    assert e.status_code == 403, e
api.disconnect_container_from_network(other, nid)
assert 'pynet' not in api.inspect_container(other)['NetworkSettings']['Networks']
try:
    api.remove_network(nid)
    raise SystemExit('removed with active endpoints')
except docker.errors.APIError as e:
    assert e.status_code == 403, e
linked = api.create_container('busybox', 'top', host_config=api.create_host_config(network_mode='pynet'),
    networking_config=api.create_networking_config({'pynet': api.create_endpoint_config(links=[('pyupstream', 'bar')])}))
api.start(linked)
assert api.inspect_container(linked)['NetworkSettings']['Networks']['pynet']['Links'] == ['pyupstream:bar']
up = api.create_container('busybox', 'top', name='pyupstream', host_config=api.create_host_config(network_mode='pynet'))
api.start(up)
ex = api.exec_create(linked, ['nslookup', '-type=a', 'bar'])
api.exec_start(ex)
assert api.exec_inspect(ex)['ExitCode'] == 0, 'link alias does not resolve'
assert api.create_network('pyipam', ipam=IPAMConfig(driver='default', pool_configs=[IPAMPool(subnet='${base2}.0/24', aux_addresses={'a': '${base2}.5'})]))
assert api.inspect_network('pyipam')['IPAM']['Options'] is None
api.remove_network('pyipam')
v6 = api.create_network('py6', enable_ipv6=True, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet='${p6}::/64', gateway='${p6}::fe')]))
info6 = api.inspect_network('py6')
assert info6['EnableIPv6'] is True, info6
assert {'Subnet': '${p6}::/64', 'Gateway': '${p6}::fe'} in info6['IPAM']['Config'], info6['IPAM']
c6 = api.create_container('busybox', 'top', host_config=api.create_host_config(network_mode='py6'),
    networking_config=api.create_networking_config({'py6': api.create_endpoint_config(ipv6_address='${p6}::60')}))
api.start(c6)
ep6 = api.inspect_container(c6)['NetworkSettings']['Networks']['py6']
assert ep6['GlobalIPv6Address'] == '${p6}::60' and ep6['IPv6Gateway'] == '${p6}::fe' and ep6['GlobalIPv6PrefixLen'] == 64, ep6
assert ep6['IPAMConfig'] == {'IPv6Address': '${p6}::60'}, ep6
api.connect_container_to_network(other, 'py6', ipv6_address='${p6}::61')
assert api.inspect_container(other)['NetworkSettings']['Networks']['py6']['GlobalIPv6Address'] == '${p6}::61'
api.disconnect_container_from_network(other, 'py6')
api.remove_container(c6, force=True)
api.remove_network('py6')
for x in (ctr, other, linked, up):
    api.remove_container(x, force=True)
api.remove_network(nid)
try:
    api.inspect_network(nid)
    raise SystemExit('still there')
except docker.errors.NotFound:
    pass
n2 = c.networks.create('pyprune')
assert 'pyprune' in api.prune_networks()['NetworksDeleted']
print('ok')
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout + d.logTail(10));
    assert.equal(r.stdout.trim(), 'ok');
  });

  test('docker-compose up/down of a project with a network, a published port and service-name lookups', { skip: hasCompose ? false : 'no docker-compose' }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), [
      'version: "3.7"',
      'services:',
      '  web:',
      '    image: busybox',
      '    command: httpd -f -p 80 -h /etc',
      `    ports: ["127.0.0.1:${port}:80"]`,
      '    networks: [backend]',
      '  client:',
      '    image: busybox',
      '    command: sh -c "trap \'exit 0\' TERM; sleep 300 & wait"',
      '    networks:',
      '      backend:',
      '        aliases: [cli]',
      'networks:',
      '  backend: {}',
    ].join('\n') + '\n');
    const compose = (args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync('docker-compose', ['-p', 'demo', ...args], {
      cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOCKER_HOST: d.host },
    });
    try {
      const up = compose(['up', '-d']);
      assert.equal(up.status, 0, up.stderr);
      assert.equal((await ok(['network', 'ls', '--filter', 'name=demo_backend', '--format', '{{.Name}}'])), 'demo_backend');
      const r = await waitFor('web through its published port', async () => httpGet(port, '/hostname').catch(() => undefined));
      assert.equal(r.status, 200);
      const webIp = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.demo_backend.IPAddress}}', 'demo_web_1']);
      const look = await d.docker(['exec', 'demo_client_1', 'nslookup', '-type=a', 'web']);
      assert.equal(look.code, 0, look.stdout + look.stderr);
      assert.match(look.stdout, new RegExp(`Address: ${webIp.replace(/\./g, '\\.')}$`, 'm'));
      assert.equal((await d.docker(['exec', 'demo_web_1', 'nslookup', '-type=a', 'cli'])).code, 0);
      const down = compose(['down']);
      assert.equal(down.status, 0, down.stderr);
      assert.equal(await ok(['network', 'ls', '--filter', 'name=demo_backend', '--format', '{{.Name}}']), '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('docker-compose with an IPv6 network (enable_ipv6, ipv6_address, AAAA for service names)', { skip: hasCompose ? false : 'no docker-compose' }, async () => {
    const { a, b } = sub();
    const p6 = `fd00:be${Number(a).toString(16).padStart(2, '0')}:${Number(b).toString(16)}:a`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose6-'));
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), [
      'version: "2.4"',
      'services:',
      '  web:',
      '    image: busybox',
      '    command: sh -c "trap \'exit 0\' TERM; sleep 300 & wait"',
      '    networks:',
      '      v6:',
      `        ipv6_address: ${p6}::10`,
      '  client:',
      '    image: busybox',
      '    command: sh -c "trap \'exit 0\' TERM; sleep 300 & wait"',
      '    networks: [v6]',
      'networks:',
      '  v6:',
      '    enable_ipv6: true',
      '    ipam:',
      '      config:',
      `        - subnet: ${p6}::/64`,
    ].join('\n') + '\n');
    const compose = (args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync('docker-compose', ['-p', 'demo6', ...args], {
      cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOCKER_HOST: d.host },
    });
    try {
      const up = compose(['up', '-d']);
      assert.equal(up.status, 0, up.stderr);
      assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.demo6_v6.GlobalIPv6Address}}', 'demo6_web_1']), `${p6}::10`);
      const look = await d.docker(['exec', 'demo6_client_1', 'nslookup', '-type=aaaa', 'web']);
      assert.equal(look.code, 0, look.stdout + look.stderr);
      assert.match(look.stdout, new RegExp(`Address: ${p6}::10$`, 'm'));
      const down = compose(['down']);
      assert.equal(down.status, 0, down.stderr);
      assert.equal(await ok(['network', 'ls', '--filter', 'name=demo6_v6', '--format', '{{.Name}}']), '');
    } finally {
      compose(['down']);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--link on the default bridge: hosts entry and environment; --mac-address on the interface', async () => {
    await ok(['run', '-d', '--name', 'db', '--expose', '5432', '-e', 'SECRET=s3', 'busybox', 'sleep', '300']);
    const dbIp = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'db']);
    const out = await ok(['run', '--rm', '--name', 'linker', '--link', 'db:database', 'busybox', 'sh', '-c', 'grep database /etc/hosts; env | grep ^DATABASE_ | sort']);
    const lines = out.split('\n');
    assert.match(lines[0]!, new RegExp(`^${dbIp.replace(/\./g, '\\.')}\\tdatabase [0-9a-f]{12} db$`));
    assert.deepEqual(lines.slice(1), [
      'DATABASE_ENV_SECRET=s3', 'DATABASE_NAME=/linker/database', `DATABASE_PORT=tcp://${dbIp}:5432`, `DATABASE_PORT_5432_TCP=tcp://${dbIp}:5432`,
      `DATABASE_PORT_5432_TCP_ADDR=${dbIp}`, 'DATABASE_PORT_5432_TCP_PORT=5432', 'DATABASE_PORT_5432_TCP_PROTO=tcp',
    ]);
    // execs get the link's environment too; `docker rm --link` drops the link, both containers stay
    await ok(['run', '-d', '--name', 'linker2', '--link', 'db:database', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['exec', 'linker2', 'sh', '-c', 'echo $DATABASE_NAME']), '/linker2/database');
    await ok(['rm', '--link', 'linker2/database']);
    assert.equal(await ok(['inspect', '--format', '{{len .HostConfig.Links}}', 'linker2']), '0');
    await fails(['rm', '--link', 'linker2/database'], /No such container: linker2\/database/);
    await fails(['rm', '--link', 'linker2'], /cannot remove the default link name/);
    await ok(['rm', '-f', 'linker2']);
    await ok(['create', '--name', 'stopped-db', 'busybox', 'true']);
    await fails(['run', '--rm', '--link', 'stopped-db:x', 'busybox', 'true'], /Cannot link to a non running container/);
    const mac = await ok(['run', '--rm', '--mac-address', '02:42:ac:99:88:77', 'busybox', 'cat', '/sys/class/net/eth0/address']);
    assert.equal(mac, '02:42:ac:99:88:77');
    await ok(['rm', '-f', 'db', 'stopped-db']);
  });

  test('IPv6: dual-stack networks, addresses in the containers, --ip6, AAAA answers, hosts entries, errors', async () => {
    const { a, b } = sub();
    // a ULA /64 of this berthd's own (never the host's fd00::/64)
    const p6 = `fd00:be${Number(a).toString(16).padStart(2, '0')}:${Number(b).toString(16)}:6`;
    const id = await ok(['network', 'create', '--ipv6', '--subnet', `${p6}::/64`, 'v6net']);
    const [net] = JSON.parse(await ok(['network', 'inspect', 'v6net'])) as Array<{ EnableIPv6: boolean; IPAM: { Config: Array<{ Subnet: string; Gateway: string }> } }>;
    assert.equal(net!.EnableIPv6, true);
    // dual stack: an IPv4 pool is chosen as well
    assert.equal(net!.IPAM.Config.length, 2);
    assert.deepEqual(net!.IPAM.Config.find((c) => c.Subnet.includes(':')), { Subnet: `${p6}::/64`, Gateway: `${p6}::1` });
    const br = `br-${id.slice(0, 12)}`;
    assert.match(spawnSync('ip', ['-6', 'addr', 'show', br]).stdout.toString(), new RegExp(`inet6 ${p6}::1/64`));
    await fails(['network', 'create', '--ipv6', '--subnet', `${p6}::/48`, 'v6overlap'], /Pool overlaps with other one on this address space/);
    // a subnet the host routes already (here its own LAN's, when it has an IPv6 one) is refused, never shadowed
    const hostRoute = spawnSync('ip', ['-6', '-o', 'route', 'show']).stdout.toString().split('\n').map((l) => l.split(' ')[0]!)
      .find((r) => /^fd[0-9a-f:]*::\/64$/.test(r));
    // a small /120 at the far end of the host's /64: were it ever accepted, the host's gateway would stay untouched
    const inside = hostRoute?.replace('::/64', '::ffff:ffff:ff00/120');
    if (inside) await fails(['network', 'create', '--ipv6', '--subnet', inside, 'v6host'], /Pool overlaps with other one on this address space/);

    const sixId = await ok(['run', '-d', '--name', 'six', '--network', 'v6net', 'busybox', 'sleep', '300']);
    await ok(['run', '-d', '--name', 'fixed6', '--network', 'v6net', '--ip6', `${p6}::99`, 'busybox', 'sleep', '300']);
    const ep = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Networks.v6net}}', 'six'])) as { GlobalIPv6Address: string; GlobalIPv6PrefixLen: number; IPv6Gateway: string; IPAddress: string };
    assert.equal(ep.GlobalIPv6Address, `${p6}::2`);
    assert.equal(ep.GlobalIPv6PrefixLen, 64);
    assert.equal(ep.IPv6Gateway, `${p6}::1`);
    assert.match(ep.IPAddress, /^10\./);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.v6net.GlobalIPv6Address}}', 'fixed6']), `${p6}::99`);
    // configured inside: the address on eth0 (no DAD: usable at once), the default route via the gateway
    assert.match(await ok(['exec', 'six', 'ip', '-6', 'addr', 'show', 'eth0']), new RegExp(`inet6 ${p6}::2/64 scope global`));
    assert.match(await ok(['exec', 'six', 'ip', '-6', 'route']), new RegExp(`default via ${p6}::1 dev eth0`));
    const hex = (ip: string): string => ip.split(':').map((g) => g.padStart(4, '0')).join('');
    assert.match(await ok(['exec', 'fixed6', 'cat', '/proc/net/if_inet6']), new RegExp(`^${hex(`${p6}:0:0:0:99`)} .* eth0$`, 'm'));
    // /etc/hosts: the IPv4 and the IPv6 address for the hostname
    const hosts = await ok(['exec', 'six', 'cat', '/etc/hosts']);
    assert.match(hosts, new RegExp(`^${ep.IPAddress.replace(/\./g, '\\.')}\\t${sixId.slice(0, 12)}$`, 'm'));
    assert.match(hosts, new RegExp(`^${p6}::2\\t${sixId.slice(0, 12)}$`, 'm'));
    // embedded DNS: AAAA for names on the network
    const aaaa = await d.docker(['exec', 'six', 'nslookup', '-type=aaaa', 'fixed6']);
    assert.equal(aaaa.code, 0, aaaa.stdout);
    assert.match(aaaa.stdout, new RegExp(`Address: ${p6}::99$`, 'm'));
    const [inspected] = JSON.parse(await ok(['network', 'inspect', 'v6net'])) as Array<{ Containers: Record<string, { Name: string; IPv6Address: string }> }>;
    assert.equal(inspected!.Containers[sixId]!.IPv6Address, `${p6}::2/64`);
    // from the host through the bridge to the container's own address
    const pinger = ['ping', 'busybox'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
    if (pinger) {
      const ping = spawnSync(pinger, [...(pinger === 'busybox' ? ['ping'] : []), '-6', '-c', '1', '-W', '3', `${p6}::2`]);
      assert.equal(ping.status, 0, ping.stdout.toString() + ping.stderr.toString());
    }

    // errors as dockerd's
    await fails(['run', '--rm', '--network', 'v6net', '--ip6', 'fd00:dead::5', 'busybox', 'true'], /no configured subnet or ip-range contain the IP address fd00:dead::5/);
    await fails(['run', '--rm', '--network', 'v6net', '--ip6', `${p6}::99`, 'busybox', 'true'], /Address already in use/);
    await ok(['network', 'create', 'v4only']);
    await fails(['run', '--rm', '--network', 'v4only', '--ip6', `${p6}::5`, 'busybox', 'true'], /user specified IP address is supported only when connecting to networks with user configured subnets/);
    // a network without IPv6 keeps it off on the container's link
    await ok(['run', '-d', '--name', 'only4', '--network', 'v4only', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['exec', 'only4', 'cat', '/proc/sys/net/ipv6/conf/eth0/disable_ipv6']), '1');
    // connect with a static IPv6 address; the address is freed at disconnect
    await ok(['network', 'connect', '--ip6', `${p6}::77`, 'v6net', 'only4']);
    assert.match(await ok(['exec', 'only4', 'ip', '-6', 'addr', 'show', 'eth1']), new RegExp(`inet6 ${p6}::77/64`));
    assert.match(await ok(['exec', 'only4', 'ip', '-6', 'route']), new RegExp(`default via ${p6}::1 dev eth1`));
    await ok(['network', 'disconnect', 'v6net', 'only4']);
    await ok(['rm', '-f', 'six', 'fixed6', 'only4']);
    // the addresses are free again after the containers went
    await ok(['run', '-d', '--name', 'again6', '--network', 'v6net', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.v6net.GlobalIPv6Address}}', 'again6']), `${p6}::2`);
    await ok(['rm', '-f', 'again6']);
    // an IPv6 --ip-range, --gateway and --aux-address; a malformed IPv6 subnet
    const r6 = p6.replace(/:6$/, ':b');
    await ok(['network', 'create', '--ipv6', '--subnet', `${r6}::/64`, '--ip-range', `${r6}::100/120`, '--gateway', `${r6}::fe`,
      '--aux-address', `res=${r6}::100`, 'rangev6']);
    await ok(['run', '-d', '--name', 'ranged6', '--network', 'rangev6', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.rangev6.GlobalIPv6Address}}', 'ranged6']), `${r6}::101`);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.rangev6.IPv6Gateway}}', 'ranged6']), `${r6}::fe`);
    await ok(['rm', '-f', 'ranged6']);
    await ok(['network', 'rm', 'rangev6']);
    await fails(['network', 'create', '--ipv6', '--subnet', 'fd00:zz::/64', 'badv6'], /invalid CIDR address: fd00:zz::\/64/);
    await fails(['network', 'create', '--ipv6', '--subnet', `${r6}::/64`, '--gateway', 'fd00:dead::1', 'badgw6'], /no matching subnet for gateway fd00:dead::1/);
    // --ipv6 without a subnet: a ULA /64 from the default IPv6 pool, as dockerd 27+
    await ok(['network', 'create', '--ipv6', 'autov6']);
    const [auto6] = JSON.parse(await ok(['network', 'inspect', 'autov6'])) as Array<{ IPAM: { Config: Array<{ Subnet: string; Gateway: string }> } }>;
    const ula = auto6!.IPAM.Config.find((c) => c.Subnet.includes(':'))!;
    assert.match(ula.Subnet, /^fd[0-9a-f]{2}:[0-9a-f:]+::\/64$/);
    assert.equal(ula.Gateway, ula.Subnet.replace('/64', '1'));
    await ok(['run', '-d', '--name', 'ula6', '--network', 'autov6', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.autov6.GlobalIPv6Address}}', 'ula6']), ula.Subnet.replace('/64', '2'));
    await ok(['rm', '-f', 'ula6']);
    await ok(['network', 'rm', 'v6net', 'v4only', 'autov6']);
    assert.doesNotMatch(links(), new RegExp(`: ${br}:`));
  });

  test('IPv6 on the default bridge (--ipv6 --fixed-cidr-v6): addresses, and the flat fields of old API versions', async () => {
    const { a, b } = sub();
    const p6 = `fd00:be${Number(a).toString(16).padStart(2, '0')}:${Number(b).toString(16)}:7`;
    const d6 = await startBerthd(['--ipv6', '--fixed-cidr-v6', `${p6}::/64`]);
    try {
      const r = await d6.docker(['load', '-i', await busyboxTar()]);
      assert.equal(r.code, 0, r.stderr);
      const run = await d6.docker(['run', '-d', '--name', 'bridged6', 'busybox', 'sleep', '300']);
      assert.equal(run.code, 0, run.stderr);
      const [bridge] = JSON.parse((await d6.docker(['network', 'inspect', 'bridge'])).stdout) as Array<{ EnableIPv6: boolean; IPAM: { Config: Array<{ Subnet: string; Gateway: string }> } }>;
      assert.equal(bridge!.EnableIPv6, true);
      assert.deepEqual(bridge!.IPAM.Config[1], { Subnet: `${p6}::/64`, Gateway: `${p6}::1` });
      const exec = await d6.docker(['exec', 'bridged6', 'ip', '-6', 'addr', 'show', 'eth0']);
      assert.match(exec.stdout, new RegExp(`inet6 ${p6}::2/64`));
      // before 1.52 the default bridge's IPv6 endpoint fields are repeated flat, as the IPv4 ones
      for (const v of ['1.43', '1.20']) {
        const old = JSON.parse((await d6.request('GET', `/v${v}/containers/bridged6/json`)).body) as { NetworkSettings: Record<string, unknown> };
        assert.equal(old.NetworkSettings.GlobalIPv6Address, `${p6}::2`, v);
        assert.equal(old.NetworkSettings.GlobalIPv6PrefixLen, 64, v);
        assert.equal(old.NetworkSettings.IPv6Gateway, `${p6}::1`, v);
      }
      // a static --ip6 is for user-defined networks only, as dockerd
      const fixed = await d6.docker(['run', '--rm', '--ip6', `${p6}::9`, 'busybox', 'true']);
      assert.match(fixed.stderr, /user specified IP address is supported on user defined networks only/);
      await d6.docker(['rm', '-f', 'bridged6']);
    } finally {
      await d6.stop('SIGTERM');
      d6.cleanup();
    }
    // without --fixed-cidr-v6 berthd refuses --ipv6, as dockerd
    const bad = new Berthd(fs.mkdtempSync(path.join('/tmp', 'bi-')), ['--ipv6']);
    try {
      await assert.rejects(bad.start(), /fixed-cidr-v6 must be specified when --ipv6 is enabled/);
      await bad.stop('SIGTERM'); // already gone: waits for nothing
      // the refused start leaves no containerd of its own behind. The FIFO pool's `mkfifo`, started as
      // berthd starts, may still be finishing right after berthd's exit: what ends by itself within
      // moments is not left behind
      const leftUnder = (): string => spawnSync('pgrep', ['-f', bad.root]).stdout.toString().trim();
      await waitFor('nothing left running under the refused berthd\'s root', async () => leftUnder() === '', 5_000)
        .catch(() => assert.equal(leftUnder(), '', `processes left under ${bad.root}`));
    } finally {
      bad.cleanup();
    }
  });

  test('host, none and container: network modes', async () => {
    assert.equal(await ok(['run', '--rm', '--network', 'host', 'busybox', 'hostname']), os.hostname());
    assert.match(await ok(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link']), new RegExp(`: ${d.bridge.name}:`));
    const none = await ok(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
    assert.deepEqual(none.split('\n').map((l) => l.split(':')[1]!.trim()), ['lo']);
    await ok(['run', '-d', '--name', 'donor', 'busybox', 'sleep', '300']);
    const donorIp = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'donor']);
    assert.match(await ok(['run', '--rm', '--network', 'container:donor', 'busybox', 'ip', '-4', '-o', 'addr']), new RegExp(`inet ${donorIp.replace(/\./g, '\\.')}/`));
    await ok(['rm', '-f', 'donor']);
  });

  test('after a kill -9 of berthd, running containers keep their addresses and their ports answer again', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', 'survivor', '-p', `127.0.0.1:${port}:80`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
    const ip = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'survivor']);
    await waitFor('httpd', async () => httpGet(port, '/hostname').catch(() => undefined));
    const { a, b } = sub();
    const p6 = `fd00:be${Number(a).toString(16).padStart(2, '0')}:${Number(b).toString(16)}:8`;
    await ok(['network', 'create', '--ipv6', '--subnet', `${p6}::/64`, 'keepnet']);
    await ok(['run', '-d', '--name', 'kept1', '--network', 'keepnet', 'busybox', 'sleep', '300']);
    await ok(['run', '-d', '--name', 'kept2', '--network', 'keepnet', 'busybox', 'sleep', '300']);
    await d.stop('SIGKILL');
    await d.start();
    // the embedded DNS answers again (its rules stayed in the namespaces; berthd listens again)
    assert.equal((await d.docker(['exec', 'kept2', 'nslookup', '-type=a', 'kept1'])).code, 0);
    const aaaa = await d.docker(['exec', 'kept2', 'nslookup', '-type=aaaa', 'kept1']);
    assert.match(aaaa.stdout, new RegExp(`Address: ${p6}::2$`, 'm'));
    // the IPv6 addresses stay taken too
    await ok(['run', '-d', '--name', 'kept3', '--network', 'keepnet', 'busybox', 'sleep', '300']);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.keepnet.GlobalIPv6Address}}', 'kept3']), `${p6}::4`);
    await ok(['rm', '-f', 'kept1', 'kept2', 'kept3']);
    await ok(['network', 'rm', 'keepnet']);
    assert.equal((await waitFor('httpd after restart', async () => httpGet(port, '/hostname').catch(() => undefined))).status, 200);
    assert.equal(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'survivor']), ip);
    // the address stays taken: a new container gets another
    await ok(['run', '-d', '--name', 'newcomer', 'busybox', 'sleep', '300']);
    assert.notEqual(await ok(['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'newcomer']), ip);
    await ok(['rm', '-f', 'survivor', 'newcomer']);
  });

  test('nothing is left behind: no namespace, veth or bridge after stop', async () => {
    const before = netnsList().filter((n) => n.startsWith('berth-'));
    await ok(['run', '-d', '--name', 'last', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait']);
    const id = await ok(['inspect', '--format', '{{.Id}}', 'last']);
    assert.equal(netnsList().some((n) => n.startsWith(`berth-${id.slice(0, 12)}`)), true);
    await d.stop('SIGTERM');
    assert.equal(netnsList().some((n) => n.startsWith(`berth-${id.slice(0, 12)}`)), false);
    assert.doesNotMatch(links(), new RegExp(`: ${d.bridge.name}:`));
    assert.equal(spawnSync('nft', ['list', 'table', 'ip', nftTable(d.bridge.name)]).status, 1);
    assert.deepEqual(netnsList().filter((n) => n.startsWith('berth-') && !before.includes(n)), []);
    await d.start();
    assert.match(links(), new RegExp(`: ${d.bridge.name}:`));
    await ok(['rm', '-f', 'last']);
  });
});
