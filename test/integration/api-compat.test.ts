// dockerd's answers where berthd used to differ (issue 18): swarm endpoints outside a swarm, plain
// text errors before API 1.24, inspect keys, old /info keys, stream Content-Types. Raw HTTP and the
// real docker CLI against a real berthd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Berthd, busyboxTar, skipReason, startBerthd } from './harness.js';

const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

describe('api compatibility', { skip: skipReason, timeout: 180_000 }, () => {
  let d: Berthd;

  before(async () => {
    d = await startBerthd();
    assert.equal((await d.docker(['load', '-i', await busyboxTar()])).code, 0);
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('docker node ls, service ls, secret ls, swarm leave print dockerd\'s messages', async () => {
    for (const args of [['node', 'ls'], ['service', 'ls'], ['secret', 'ls'], ['config', 'ls']]) {
      const r = await d.docker(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr.trim(), `Error response from daemon: ${NOT_A_MANAGER}`, args.join(' '));
    }
    const leave = await d.docker(['swarm', 'leave']);
    assert.equal(leave.code, 1);
    assert.equal(leave.stderr.trim(), 'Error response from daemon: This node is not part of a swarm');
  });

  test('raw HTTP: swarm endpoints 503 from 1.24, 404 before; old versions get text/plain errors', async () => {
    const nodes = await d.request('GET', '/v1.41/nodes');
    assert.equal(nodes.status, 503);
    assert.deepEqual(JSON.parse(nodes.body), { message: NOT_A_MANAGER });
    const swarm124 = await d.request('GET', '/v1.24/swarm');
    assert.equal(swarm124.status, 503);
    assert.equal(swarm124.headers['content-type'], 'application/json');
    const swarm123 = await d.request('GET', '/v1.23/swarm');
    assert.equal(swarm123.status, 404);
    assert.equal(swarm123.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(swarm123.body, 'page not found\n');
    const init = await d.request('POST', '/v1.41/swarm/init', {});
    assert.deepEqual([init.status, JSON.parse(init.body).message], [400, 'invalid ListenAddr "": invalid empty address']);
    const missing = await d.request('GET', '/v1.19/containers/nope/json');
    assert.deepEqual([missing.status, missing.headers['content-type'], missing.body], [404, 'text/plain; charset=utf-8', 'No such container: nope\n']);
  });

  test('inspect: Config.MacAddress when set, ExecIDs while execs live', async () => {
    const created = await d.request('POST', '/v1.41/containers/create?name=mac', { Image: 'busybox', Cmd: ['sleep', '300'], MacAddress: '02:42:ac:11:00:05' });
    assert.equal(created.status, 201, created.body);
    const inspect = async (): Promise<Record<string, unknown>> => JSON.parse((await d.request('GET', '/v1.41/containers/mac/json')).body) as Record<string, unknown>;
    assert.equal((await inspect().then((c) => c.Config as Record<string, unknown>)).MacAddress, '02:42:ac:11:00:05');
    assert.equal((await d.docker(['start', 'mac'])).code, 0);
    assert.equal((await inspect()).ExecIDs, null);
    const exec = await d.request('POST', '/v1.41/containers/mac/exec', { Cmd: ['sleep', '300'] });
    const execId = (JSON.parse(exec.body) as { Id: string }).Id;
    assert.deepEqual((await inspect()).ExecIDs, [execId], 'a created exec is listed');
    assert.equal((await d.request('POST', `/v1.41/exec/${execId}/start`, { Detach: true })).status, 200);
    assert.deepEqual((await inspect()).ExecIDs, [execId], 'a running exec is listed');
    assert.equal((await d.docker(['exec', 'mac', 'true'])).code, 0);
    assert.deepEqual((await inspect()).ExecIDs, [execId], 'an exited exec is not');
    assert.equal((await d.docker(['stop', '-t', '0', 'mac'])).code, 0);
    assert.equal((await inspect()).ExecIDs, null, 'a stopped container has none');
    const v120 = JSON.parse((await d.request('GET', '/v1.20/containers/mac/json')).body) as { Config: Record<string, unknown> };
    assert.equal(v120.Config.MacAddress, '02:42:ac:11:00:05');
    assert.equal((await d.docker(['rm', 'mac'])).code, 0);
  });

  test('/info: ExecutionDriver and name-only security options before 1.25, int flags before 1.19', async () => {
    const get = async (v: string): Promise<Record<string, unknown>> => JSON.parse((await d.request('GET', `/v${v}/info`)).body) as Record<string, unknown>;
    const [v141, v124, v118] = [await get('1.41'), await get('1.24'), await get('1.18')];
    assert.ok(!('ExecutionDriver' in v141));
    assert.deepEqual([v124.ExecutionDriver, v124.InitPath, v124.InitSha1], ['<not supported>', '', '']);
    assert.ok((v124.SecurityOptions as string[]).every((o) => !o.includes('=')));
    assert.equal(typeof v124.ContainersRunning, 'number');
    assert.equal(typeof v118.MemoryLimit, 'number');
    assert.ok(!('ContainersRunning' in v118));
  });

  test('Content-Types: export is application/octet-stream, logs raw-stream (TTY or not) up to 1.41', async () => {
    assert.equal((await d.docker(['run', '--name', 'out', 'busybox', 'echo', 'hi'])).code, 0);
    const exp = await d.request('GET', '/v1.41/containers/out/export');
    assert.equal(exp.status, 200);
    assert.equal(exp.headers['content-type'], 'application/octet-stream');
    const logs = await d.request('GET', '/v1.41/containers/out/logs?stdout=1');
    assert.equal(logs.headers['content-type'], 'application/vnd.docker.raw-stream');
    assert.equal((await d.docker(['rm', 'out'])).code, 0);
  });
});
