// Issue 13: every API version from 1.42 to 1.55 answers the main read endpoints in that version's
// shape, checked against the version's OpenAPI schema (shared/reference/api/v1.x.yaml): required
// keys, types, and no keys the version does not define (exceptions listed with their reasons).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Berthd, busyboxTar, skipReason, startBerthd, waitFor } from './harness.js';
import { check, findReferenceDir, loadSpec, responseSchema, type Allowlist } from '../support/openapi-schema.js';
import { compareVersions } from '../../src/internal/version.js';

const referenceDir = findReferenceDir();
const VERSIONS = Array.from({ length: 14 }, (_, i) => `1.${42 + i}`);

/**
 * Keys (or null values) dockerd sends although the version's schema does not have them, each with
 * the reason; by spec path, for the versions from `since` on.
 */
const ALLOW: Array<{ spec: string; since?: string; until?: string; keys: Allowlist }> = [
  {
    spec: '/containers/{id}/json',
    keys: {
      // Go's *int64 with no value: dockerd sends null although the schema says integer.
      'HostConfig.MemorySwappiness': 'null when unset (dockerd: *int64)',
    },
  },
  {
    spec: '/containers/{id}/json', until: '1.43',
    keys: {
      // dockerd drops StartInterval from 1.42/1.43 *requests*, but inspect shows what the container
      // has (this one was created at 1.50 by the CLI).
      'Config.Healthcheck.StartInterval': 'stored by a newer client; dockerd does not shape inspect output',
    },
  },
  {
    spec: '/events', until: '1.51',
    keys: {
      // dockerd sends the pre-1.22 fields beside Type/Action/Actor until 1.52 removed them (CHANGELOG
      // v1.52); the schemas from 1.42 no longer list them.
      status: 'deprecated, sent until 1.52', id: 'deprecated, sent until 1.52', from: 'deprecated, sent until 1.52',
    },
  },
  {
    spec: '/system/df', since: '1.52',
    keys: {
      // dockerd keeps the legacy lists beside the *Usage fields unless `verbose` is set (system_routes.go
      // getDiskUsage, "FIXME(thaJeztah): remove legacy fields entirely for API 1.53").
      LayersSize: 'legacy field, sent without verbose', Images: 'legacy field, sent without verbose',
      Containers: 'legacy field, sent without verbose', Volumes: 'legacy field, sent without verbose',
      BuildCache: 'legacy field, sent without verbose',
    },
  },
];

function allowFor(specPath: string, version: string): Allowlist {
  const out: Record<string, string> = {};
  for (const a of ALLOW) {
    if (a.spec !== specPath) continue;
    if (a.since && compareVersions(version, a.since) < 0) continue;
    if (a.until && compareVersions(version, a.until) > 0) continue;
    Object.assign(out, a.keys);
  }
  return out;
}

/** Endpoints checked: spec path, request path (built from the fixtures' ids) and allowlist. */
function endpoints(ids: { container: string; image: string; network: string; volume: string; until: number }): Array<{ spec: string; url: string; lines?: boolean }> {
  return [
    { spec: '/version', url: '/version' },
    { spec: '/info', url: '/info' },
    { spec: '/containers/json', url: '/containers/json?all=1' },
    { spec: '/containers/json', url: '/containers/json?all=1&size=1' },
    { spec: '/containers/{id}/json', url: `/containers/${ids.container}/json` },
    { spec: '/containers/{id}/json', url: `/containers/${ids.container}/json?size=1` },
    { spec: '/images/json', url: '/images/json?all=1' },
    { spec: '/images/json', url: '/images/json?shared-size=1' },
    { spec: '/images/{name}/json', url: `/images/${ids.image}/json` },
    { spec: '/system/df', url: '/system/df' },
    { spec: '/system/df', url: '/system/df?verbose=1&type=image&type=container' },
    { spec: '/networks', url: '/networks' },
    { spec: '/networks/{id}', url: `/networks/${ids.network}` },
    { spec: '/networks/{id}', url: '/networks/bridge' },
    { spec: '/networks/{id}', url: `/networks/${ids.network}?verbose=1` },
    { spec: '/volumes', url: '/volumes' },
    { spec: '/volumes/{name}', url: `/volumes/${ids.volume}` },
    // a bounded request: every event so far, one JSON object per line, each checked on its own
    { spec: '/events', url: `/events?since=0&until=${ids.until}`, lines: true },
  ];
}

describe('API 1.42–1.55 responses match their OpenAPI schema', { skip: skipReason || (!referenceDir && 'no shared/reference/api (set BERTH_API_REFERENCE)'), timeout: 300_000 }, () => {
  let d: Berthd;
  const ids = { container: '', image: '', network: 'schemanet', volume: 'schemavol', until: 0 };

  before(async () => {
    d = await startBerthd();
    assert.equal((await d.docker(['load', '-i', await busyboxTar()])).code, 0);
    // an untagged image too (the <none> placeholders changed in 1.43)
    assert.equal((await d.docker(['commit', '-c', 'LABEL x=y', (await d.docker(['create', 'busybox', 'true'])).stdout.trim()])).code, 0);
    assert.equal((await d.docker(['network', 'create', '--label', 'n=1', ids.network])).code, 0);
    assert.equal((await d.docker(['volume', 'create', '--label', 'v=1', ids.volume])).code, 0);
    // on a user-defined network, with a published port, a health check and a volume
    const run = await d.docker(['run', '-d', '--name', 'schema', '--label', 'a=b', '--network', ids.network, '-p', '127.0.0.1::80',
      '-v', `${ids.volume}:/data`, '--health-cmd', 'true', '--health-interval', '1s', '--health-start-interval', '1s', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    ids.container = run.stdout.trim();
    ids.image = 'busybox';
    await waitFor('healthy', async () => (await d.docker(['inspect', '--format', '{{.State.Health.Status}}', 'schema'])).stdout.trim() === 'healthy');
    ids.until = Math.ceil(Date.now() / 1000) + 1;
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  for (const version of VERSIONS) {
    test(`v${version}`, async () => {
      const spec = loadSpec(referenceDir!, version);
      const problems: string[] = [];
      for (const e of endpoints(ids)) {
        const r = await d.request('GET', `/v${version}${e.url}`);
        assert.equal(r.status, 200, `${e.url}: ${r.body}`);
        const bodies = e.lines ? r.body.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) : [JSON.parse(r.body) as unknown];
        if (e.lines) assert.ok(bodies.length > 0, `${e.url}: no events`);
        for (const body of bodies) {
          const found = check(spec, responseSchema(spec, 'GET', e.spec), body, allowFor(e.spec, version));
          problems.push(...found.map((p) => `${e.url} ${p.path}: ${p.message}`));
        }
      }
      assert.deepEqual([...new Set(problems)], [], `v${version}:\n${[...new Set(problems)].join('\n')}`);
    });
  }

  test('CHANGELOG 1.44–1.55 networking, health, stats, events and images items, each at its version', async () => {
    const json = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
      const r = await d.request(method, url, body);
      return { status: r.status, body: r.body ? JSON.parse(r.body) : undefined };
    };
    // 1.44: several EndpointsConfig at create (before: dockerd's 400), per-endpoint MacAddress
    assert.equal((await d.docker(['network', 'create', 'schemanet2'])).code, 0);
    const two = { Image: 'busybox', Cmd: ['sleep', '300'], HostConfig: { NetworkMode: ids.network }, NetworkingConfig: { EndpointsConfig: { [ids.network]: { MacAddress: '02:42:ac:11:00:99' }, schemanet2: { GwPriority: 5 } } } };
    const old = await json('POST', '/v1.43/containers/create?name=two-old', two);
    assert.deepEqual([old.status, old.body.message], [400, `Container cannot be connected to network endpoints: ${ids.network}, schemanet2`]);
    // 1.52: no container-wide MacAddress (moby 29 no longer decodes it: ignored, no warning)
    const mac = await json('POST', '/v1.52/containers/create', { Image: 'busybox', MacAddress: '02:42:ac:11:00:98' });
    assert.equal(mac.status, 201, JSON.stringify(mac.body));
    assert.deepEqual(mac.body.Warnings, []);
    const macCfg = await json('GET', `/v1.51/containers/${String(mac.body.Id)}/json`);
    assert.equal((macCfg.body.Config as Record<string, unknown>).MacAddress, undefined);
    await json('DELETE', `/containers/${String(mac.body.Id)}`);
    for (const [version, name] of [['1.47', 'gw-147'], ['1.48', 'gw-148']] as const) {
      const created = await json('POST', `/v${version}/containers/create?name=${name}`, two);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((await d.request('POST', `/v${version}/containers/${name}/start`)).status, 204);
      const nets = (await json('GET', `/v1.55/containers/${name}/json`)).body.NetworkSettings.Networks;
      assert.equal(nets[ids.network].MacAddress, '02:42:ac:11:00:99');
      // GwPriority (1.48) is honoured from 1.48 and picks the default gateway; without it the
      // network whose name sorts first gives it
      assert.equal(nets.schemanet2.GwPriority, version === '1.48' ? 5 : 0);
      const route = await d.docker(['exec', name, 'ip', 'route', 'show', 'default']);
      const gw = version === '1.48' ? nets.schemanet2.Gateway : nets[ids.network].Gateway;
      assert.match(route.stdout, new RegExp(`^default via ${gw.replace(/\./g, '\\.')} `), route.stdout + route.stderr);
      // DNSNames 1.44; Aliases hold the short ID before 1.45 only
      const v144 = (await json('GET', `/v1.44/containers/${name}/json`)).body.NetworkSettings.Networks[ids.network];
      const v145 = (await json('GET', `/v1.45/containers/${name}/json`)).body.NetworkSettings.Networks[ids.network];
      const shortId = created.body.Id.slice(0, 12);
      assert.ok(v144.Aliases.includes(shortId) && v144.DNSNames.includes(shortId), JSON.stringify(v144));
      assert.equal(v145.Aliases, null);
      assert.ok(!('DNSNames' in (await json('GET', `/v1.43/containers/${name}/json`)).body.NetworkSettings.Networks[ids.network]));
    }
    // connect to a running container with a higher GwPriority moves its default route
    assert.equal((await d.docker(['network', 'create', 'schemanet3'])).code, 0);
    assert.equal((await d.request('POST', '/v1.48/networks/schemanet3/connect', { Container: 'gw-147', EndpointConfig: { GwPriority: 10 } })).status, 200);
    const gw3 = (await json('GET', '/v1.55/containers/gw-147/json')).body.NetworkSettings.Networks.schemanet3.Gateway as string;
    assert.match((await d.docker(['exec', 'gw-147', 'ip', 'route', 'show', 'default'])).stdout, new RegExp(`^default via ${gw3.replace(/\./g, '\\.')} `));
    // network inspect: EnableIPv4 1.47, Status 1.52 (the gateway, network and broadcast addresses
    // and the endpoints are in use), scope
    const n151 = (await json('GET', `/v1.51/networks/${ids.network}`)).body;
    const n152 = (await json('GET', `/v1.52/networks/${ids.network}?verbose=1`)).body;
    assert.ok(!('Status' in n151) && n151.EnableIPv4 === true && !('EnableIPv4' in (await json('GET', `/v1.46/networks/${ids.network}`)).body));
    const [subnet, st] = Object.entries(n152.Status.IPAM.Subnets)[0] as [string, { IPsInUse: number; DynamicIPsAvailable: number }];
    const size = 2 ** (32 - Number(subnet.split('/')[1]));
    assert.equal(st.IPsInUse, 3 + Object.keys(n152.Containers).length, JSON.stringify(n152));
    assert.equal(st.DynamicIPsAvailable, size - st.IPsInUse);
    assert.equal((await d.request('GET', `/v1.55/networks/${ids.network}?scope=swarm`)).status, 404);
    assert.equal((await d.request('GET', `/v1.55/networks/${ids.network}?scope=local`)).status, 200);
    // volumes: no ClusterVolume for local volumes
    assert.ok(!('ClusterVolume' in (await json('GET', `/v1.55/volumes/${ids.volume}`)).body));
    // health: StartInterval 1.44 (dropped from 1.43 requests)
    for (const [version, expected] of [['1.43', undefined], ['1.44', 1_000_000_000]] as const) {
      const hc = await json('POST', `/v${version}/containers/create`, { Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], StartInterval: 1_000_000_000 } });
      assert.equal((await json('GET', `/v1.55/containers/${hc.body.Id}/json`)).body.Config.Healthcheck.StartInterval, expected);
    }
    // stats: os_type 1.52
    assert.equal((await json('GET', '/v1.52/containers/schema/stats?stream=0')).body.os_type, 'linux');
    assert.ok(!('os_type' in (await json('GET', '/v1.51/containers/schema/stats?stream=0')).body));
    // events: content negotiation (1.52, jsonl 1.53); status/id/from gone from 1.52
    const bounded = `since=0&until=${Math.ceil(Date.now() / 1000)}`;
    for (const [version, accept, type] of [['1.51', 'application/x-ndjson', 'application/json'], ['1.52', 'application/x-ndjson', 'application/x-ndjson'], ['1.53', 'application/jsonl', 'application/jsonl']] as const) {
      const r = await new Promise<{ type: string; body: string }>((resolve, reject) => {
        const req = http.request({ socketPath: d.socket, path: `/v${version}/events?${bounded}`, headers: { Accept: accept } }, (res) => {
          let body = ''; res.on('data', (c: Buffer) => { body += c; }); res.on('end', () => resolve({ type: String(res.headers['content-type']), body }));
        });
        req.on('error', reject); req.end();
      });
      assert.equal(r.type, type, version);
      const first = JSON.parse(r.body.split('\n')[0]!) as Record<string, unknown>;
      assert.equal('status' in first, version === '1.51', version);
    }
    // images: attestations (1.55, none here), DELETE ?platforms (1.50)
    assert.deepEqual((await json('GET', '/v1.55/images/busybox/attestations')).body, []);
    assert.equal((await d.request('GET', '/v1.54/images/busybox/attestations')).status, 404);
    assert.equal((await d.docker(['tag', 'busybox', 'plat:x'])).code, 0);
    const arm = encodeURIComponent(JSON.stringify({ os: 'linux', architecture: 'arm64' }));
    assert.equal((await d.request('DELETE', `/v1.50/images/plat:x?platforms=${arm}`)).status, 404);
    assert.equal((await d.request('DELETE', `/v1.49/images/plat:x?platforms=${arm}`)).status, 200, 'ignored before 1.50');
    // get with platform (1.48): a platform the image does not have is refused
    assert.equal((await d.request('GET', `/v1.48/images/busybox/get?platform=${arm}`)).status, 404);
  });

  // Acceptance: the docker CLI here (28.x, API 1.50) uses berthd at its own version, pinned to 1.50
  // and pinned to 1.41, without "downgraded" in `docker version`.
  for (const apiVersion of [undefined, '1.50', '1.41']) {
    test(`docker CLI with DOCKER_API_VERSION=${apiVersion ?? '(unset)'}: version, run, exec, logs, ps, inspect, images, commit, rmi`, async () => {
      const docker = (args: string[]): ReturnType<Berthd['docker']> => d.docker(args, apiVersion ? { apiVersion } : {});
      const tag = `cli-${(apiVersion ?? 'unset').replace('.', '')}`;
      const version = await docker(['version']);
      assert.equal(version.code, 0, version.stderr);
      // Pinned to 1.41 the CLI itself says "downgraded from 1.50"; otherwise it must not.
      if (apiVersion !== '1.41') assert.ok(!/downgraded/i.test(version.stdout), version.stdout);
      assert.match(version.stdout, /API version:\s+1\.55 \(minimum version 1\.12\)/);
      const run = await docker(['run', '-d', '--name', tag, 'busybox', 'sh', '-c', 'echo hello; sleep 300']);
      assert.equal(run.code, 0, run.stderr);
      const exec = await docker(['exec', tag, 'echo', 'from-exec']);
      assert.deepEqual([exec.code, exec.stdout.trim()], [0, 'from-exec'], exec.stderr);
      const logs = await docker(['logs', tag]);
      assert.deepEqual([logs.code, logs.stdout.trim()], [0, 'hello'], logs.stderr);
      const ps = await docker(['ps', '--format', '{{.Names}}']);
      assert.ok(ps.stdout.split('\n').includes(tag), ps.stdout + ps.stderr);
      const inspect = await docker(['inspect', '--format', '{{.State.Status}}', tag]);
      assert.deepEqual([inspect.code, inspect.stdout.trim()], [0, 'running'], inspect.stderr);
      const commit = await docker(['commit', tag, `${tag}:img`]);
      assert.equal(commit.code, 0, commit.stderr);
      const images = await docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
      assert.ok(images.stdout.includes(`${tag}:img`), images.stdout + images.stderr);
      const imageInspect = await docker(['image', 'inspect', '--format', '{{.Os}}', `${tag}:img`]);
      assert.deepEqual([imageInspect.code, imageInspect.stdout.trim()], [0, 'linux'], imageInspect.stderr);
      assert.equal((await docker(['rm', '-f', tag])).code, 0);
      const rmi = await docker(['rmi', `${tag}:img`]);
      assert.equal(rmi.code, 0, rmi.stderr);
      const df = await docker(['system', 'df']);
      assert.equal(df.code, 0, df.stderr);
    });
  }
});
