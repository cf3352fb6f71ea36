// Stats end to end: `docker stats --no-stream` on a container limited to 64 MiB burning CPU, the
// API's one-shot and streamed forms against what the container's cgroup files say, and a stopped
// container's zeros.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith, take } from './client-of.js';
import { Berthd, busyboxTar, cliAsserts, dockerPy, skipReason, startBerthd } from './harness.js';

describe('stats', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd();
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(async () => {
    if (!d) return;
    await ok(['rm', '-f', 'burn', 'idle']).catch(() => undefined);
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  /** the container's memory cgroup directory (v1 or v2), from its init process */
  const memoryDir = (pid: number): string => {
    const lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
    const v1 = lines.find((l) => /^\d+:memory:/.test(l));
    if (v1) return `/sys/fs/cgroup/memory${v1.split(':')[2]}`;
    return `/sys/fs/cgroup${lines.find((l) => l.startsWith('0::'))!.slice(3)}`;
  };

  test('docker stats --no-stream shows CPU % and MEM USAGE / LIMIT of a 64 MiB container burning CPU', async () => {
    const id = await ok(['run', '-d', '--name', 'burn', '--memory', '64m', 'busybox', 'sh', '-c', 'while :; do :; done']);
    await ok(['run', '-d', '--name', 'idle', 'busybox', 'sleep', '300']);
    await new Promise((r) => setTimeout(r, 1000));
    const out = await ok(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}', 'burn', 'idle']);
    const burn = out.split('\n').find((l) => l.startsWith('burn '))!;
    const [, cpu, usage, , limit, pids] = burn.split(/\s+/);
    assert.ok(parseFloat(cpu!) > 5, `a busy loop uses CPU: ${burn}`);
    assert.equal(limit, '64MiB');
    assert.match(usage!, /^[\d.]+(B|KiB|MiB)$/);
    assert.equal(pids, '1');
    const idle = out.split('\n').find((l) => l.startsWith('idle '))!;
    assert.ok(parseFloat(idle.split(/\s+/)[1]!) < 5, `sleep uses no CPU: ${idle}`);
    assert.ok(id);
  });

  test('the API one-shot and stream=false match the cgroup files; streaming gives a sample a second', async () => {
    const pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', 'burn']));
    const dir = memoryDir(pid);
    const limitFile = fs.existsSync(`${dir}/memory.limit_in_bytes`) ? `${dir}/memory.limit_in_bytes` : `${dir}/memory.max`;
    const [s] = await take(await clientOf(d).containerStats({ id: 'burn', stream: false, 'one-shot': true }), 1) as Array<Record<string, any>>;
    assert.equal(s.name, '/burn');
    assert.equal(s.os_type, 'linux');
    assert.equal(s.memory_stats.limit, Number(fs.readFileSync(limitFile, 'utf8')));
    assert.ok(s.memory_stats.usage > 0);
    assert.equal(s.pids_stats.current, 1);
    assert.ok(s.cpu_stats.cpu_usage.total_usage > 0);
    assert.ok(s.cpu_stats.system_cpu_usage > 0);
    assert.ok(s.cpu_stats.online_cpus >= 1);
    assert.equal(s.precpu_stats.cpu_usage.total_usage, 0, 'one-shot has no previous sample');
    assert.ok(Array.isArray(s.blkio_stats.io_service_bytes_recursive));
    const [two] = await take(await clientOf(d, '1.41').containerStats({ id: 'burn', stream: false }), 1) as Array<Record<string, any>>;
    assert.ok(two.cpu_stats.cpu_usage.total_usage > two.precpu_stats.cpu_usage.total_usage, 'stream=false spans two samples');
    assert.ok(!('os_type' in two));
    const old = JSON.parse((await d.request('GET', '/v1.22/containers/burn/stats?stream=false')).body) as Record<string, any>;
    assert.ok(!('online_cpus' in old.cpu_stats));
    const v120 = JSON.parse((await d.request('GET', '/v1.20/containers/burn/stats?stream=false&one-shot=1')).body) as Record<string, any>;
    assert.ok(!('name' in v120) && !('networks' in v120));
    // the pre-1.21 single `network` object sums the container's interfaces (eth0 on the bridge)
    assert.equal(typeof v120.network.rx_bytes, 'number');
    assert.equal(typeof v120.network.tx_packets, 'number');
    // a stream: three samples, each with the previous one's CPU as precpu
    const samples = await take(await clientOf(d).containerStats({ id: 'burn' }), 3);
    assert.equal(samples.length, 3);
    assert.equal(samples[1]!.precpu_stats?.cpu_usage?.total_usage, samples[0]!.cpu_stats?.cpu_usage?.total_usage);
    assert.equal(samples[2]!.preread, samples[1]!.read);
  });

  test('a stopped container answers zeros with its name and ID; an unknown one is a 404', async () => {
    await ok(['stop', '-t', '0', 'idle']);
    const [s] = await take(await clientOf(d).containerStats({ id: 'idle', stream: false }), 1) as Array<Record<string, any>>;
    assert.equal(s.name, '/idle');
    assert.equal(s.read, '0001-01-01T00:00:00Z');
    assert.deepEqual(s.memory_stats, {});
    await rejectsWith(clientOf(d).containerStats({ id: 'nope', stream: false }), NotFoundError, /No such container: nope/);
  });

  test('docker-py: stats(stream=False) and a decoded stream, as its integration tests read them', { skip: dockerPy ? false : 'no python3 with the docker module (Debian python3-docker)' }, () => {
    const script = `
import docker, json
c = docker.APIClient(base_url=${JSON.stringify(d.host)}, version='auto')
ctr = c.create_container('busybox', ['sleep', '60'])
c.start(ctr)
one = c.stats(ctr, stream=0)
stream = c.stats(ctr, stream=True, decode=True)
first = next(stream)
stream._response.close() if hasattr(stream, '_response') else None
c.kill(ctr); c.remove_container(ctr)
print(json.dumps({'one': sorted(one.keys()), 'first': sorted(first.keys())}))
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { one: string[]; first: string[] };
    // docker-py's tests also expect `networks`, which dockerd has for a container on a network;
    // berthd's containers have loopback only until networking lands (like dockerd's --network none)
    for (const key of ['read', 'precpu_stats', 'cpu_stats', 'memory_stats', 'blkio_stats']) {
      assert.ok(out.one.includes(key), key);
      assert.ok(out.first.includes(key), key);
    }
  });
});
