// Issue 13: every API version from 1.42 to 1.55 answers the main read endpoints in that version's
// shape, checked against the version's OpenAPI schema (shared/reference/api/v1.x.yaml): required
// keys, types, and no keys the version does not define (exceptions listed with their reasons).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
