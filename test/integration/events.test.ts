// Events end to end with the real docker CLI: a container's lifecycle replayed with
// --since/--until and a filter, a live `docker events` seeing a destroy as it happens, image and
// volume events, the old shape on old paths, and a reader that never reads not holding anyone up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { BadRequestError, ServerError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, cliAsserts, dockerPy, skipReason, startBerthd, waitFor } from './harness.js';

describe('events', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  const jsonLines = (text: string): Array<Record<string, any>> => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

  test('docker events --since 1m --until 0s --filter container=x prints x\'s lifecycle in order', async () => {
    await ok(['run', '--name', 'ev1', '--label', 'team=a', 'busybox', 'sh', '-c', 'exit 3']).catch(() => undefined);
    await ok(['rename', 'ev1', 'ev1b']);
    await ok(['rm', 'ev1b']);
    await ok(['run', '-d', '--name', 'other', 'busybox', 'true']);
    // the CLI sends --until 0s as whole seconds: let this second pass
    await new Promise((r) => setTimeout(r, 1100));
    const out = await ok(['events', '--since', '1m', '--until', '0s', '--filter', 'container=ev1', '--filter', 'container=ev1b', '--format', '{{json .}}']);
    const events = jsonLines(out);
    assert.deepEqual(events.map((e) => e.Action), ['create', 'attach', 'start', 'die', 'rename', 'destroy']);
    for (const e of events) {
      assert.equal(e.Type, 'container');
      assert.equal(e.scope, 'local');
      assert.equal(e.Actor.Attributes.image, 'busybox');
      assert.equal(e.Actor.Attributes.team, 'a');
      // the CLI talks 1.41 here: the old fields are still there
      if ('status' in e) assert.equal(e.status, e.Action);
    }
    const die = events.find((e) => e.Action === 'die')!;
    assert.equal(die.Actor.Attributes.exitCode, '3');
    assert.equal(die.Actor.Attributes.name, 'ev1');
    assert.equal(events.find((e) => e.Action === 'rename')!.Actor.Attributes.oldName, '/ev1');
    assert.ok(events.every((e, i) => i === 0 || BigInt(e.timeNano) > BigInt(events[i - 1]!.timeNano)));
    // the text format of the CLI
    const text = await ok(['events', '--since', '1m', '--until', '0s', '--filter', 'container=other', '--filter', 'event=start']);
    assert.match(text, /container start [0-9a-f]{64} \(image=busybox, name=other\)/);
  });

  test('a live docker events shows a destroy as it happens; image and volume events appear', async () => {
    await ok(['create', '--name', 'live', 'busybox', 'true']);
    const child = spawn('docker', ['events', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "name"}}'], {
      env: { ...process.env, DOCKER_HOST: d.host }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    child.stdout.on('data', (b: Buffer) => { seen += b.toString(); });
    try {
      // the subscription is in place once a marker event shows up
      let n = 0;
      await waitFor('events stream', async () => {
        await ok(['volume', 'create', `marker${++n}`]);
        return seen.includes('volume create marker');
      });
      await ok(['rm', 'live']);
      await waitFor('destroy', async () => /container destroy [0-9a-f]{64} live/.test(seen));
      await ok(['tag', 'busybox', 'mine:1']);
      await ok(['rmi', 'mine:1']);
      await ok(['volume', 'rm', `marker${n}`]);
      await waitFor('image and volume events', async () => seen.includes(`volume destroy marker${n}`));
      assert.match(seen, /image tag sha256:[0-9a-f]{64} mine:1/);
      assert.match(seen, /image untag sha256:[0-9a-f]{64} sha256:/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('old paths get the old shape; filters and errors as dockerd', async () => {
    const id = await ok(['create', '--name', 'old', 'busybox', 'true']);
    const since = Math.floor(Date.now() / 1000) - 60;
    const until = (Date.now() / 1000).toFixed(3);
    const q = { since: String(since), until, filters: { container: ['old'] } };
    // through clients pinned to 1.21 and 1.24: their typed old shapes
    const v121: string[][] = [];
    for await (const e of await clientOf(d, '1.21').systemEvents(q)) {
      v121.push(Object.keys(e));
      assert.deepEqual([e.status, e.id, e.from], ['create', id, 'busybox']);
    }
    assert.deepEqual(v121, [['status', 'id', 'from', 'time', 'timeNano']]);
    const v124 = [];
    for await (const e of await clientOf(d, '1.24').systemEvents(q)) v124.push(e);
    assert.equal(v124.length, 1);
    assert.equal(v124[0]!.status, 'create');
    assert.equal(v124[0]!.Action, 'create');
    assert.equal(v124[0]!.Actor.ID, id);
    assert.ok(!('scope' in v124[0]!));
    await rejectsWith(clientOf(d).systemEvents({ since: 'yesterday' }), ServerError, /strconv.ParseInt: parsing "yesterday": invalid syntax/);
    await rejectsWith(clientOf(d).systemEvents({ since: String(since + 10), until: String(since) }), BadRequestError, /cannot be after `until` time/);
    await ok(['rm', 'old']);
  });

  test('application/x-ndjson negotiation from 1.52; a reader that never reads holds nothing up', async () => {
    const ctype = await new Promise<string>((resolve, reject) => {
      const req = http.get({ socketPath: d.socket, path: '/v1.52/events?until=1', headers: { Accept: 'application/x-ndjson' } }, (res) => {
        res.resume();
        resolve(String(res.headers['content-type']));
      });
      req.on('error', reject);
    });
    assert.equal(ctype, 'application/x-ndjson');
    // a client that opens the stream and never reads it
    const stalled = http.get({ socketPath: d.socket, path: '/events' }, (res) => res.pause());
    stalled.on('error', () => undefined);
    for (let i = 0; i < 30; i++) await ok(['volume', 'create', `v${i}`]);
    assert.equal((await ok(['volume', 'ls', '-q'])).split('\n').filter((n) => /^v\d+$/.test(n)).length, 30);
    stalled.destroy();
  });

  test('docker-py: events(since, until, filters, decode=True) as its integration tests use it', { skip: dockerPy ? false : 'no python3 with the docker module (Debian python3-docker)' }, () => {
    const script = `
import docker, json, time
c = docker.APIClient(base_url=${JSON.stringify(d.host)}, version='auto')
since = int(time.time()) - 1
ctr = c.create_container('busybox', 'true', labels={'k': 'v'})
c.start(ctr); c.wait(ctr); c.remove_container(ctr)
until = int(time.time()) + 1
evs = list(c.events(since=since, until=until, filters={'container': ctr['Id']}, decode=True))
labelled = list(c.events(since=since, until=until, filters={'label': 'k=v', 'event': 'destroy'}, decode=True))
print(json.dumps({'actions': [e['Action'] for e in evs], 'labelled': [e['Actor']['ID'] for e in labelled], 'version': c.api_version, 'old': [k for k in ('status', 'id', 'from') if k in evs[0]], 'id': ctr['Id']}))
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { actions: string[]; labelled: string[]; id: string; version: string; old: string[] };
    // docker-py negotiates the newest version: no status/id/from from 1.52
    assert.equal(out.version, '1.55');
    assert.deepEqual(out.old, []);
    assert.deepEqual(out.actions, ['create', 'start', 'die', 'destroy']);
    assert.deepEqual(out.labelled, [out.id]);
  });
});
