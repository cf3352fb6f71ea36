// Create options (Config + HostConfig) end to end: each flag's effect seen from inside the container
// and in `docker inspect`, `docker update` on a running container, and bad input answered with
// dockerd's status and message. Flags are batched per container to keep the file fast.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadRequestError, ConflictError, DockerError, NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, skipReason, startBerthd } from './harness.js';

const cgroupV2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
/** Paths of cgroup files as a container sees them (its own cgroup is mounted at /sys/fs/cgroup). */
const CG = cgroupV2
  ? { memory: '/sys/fs/cgroup/memory.max', cpuQuota: '/sys/fs/cgroup/cpu.max', pids: '/sys/fs/cgroup/pids.max' }
  : { memory: '/sys/fs/cgroup/memory/memory.limit_in_bytes', cpuQuota: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us', pids: '/sys/fs/cgroup/pids/pids.max' };

describe('create options and update', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  let tmp: string;

  before(async () => {
    d = await startBerthd();
    const load = await d.docker(['load', '-i', await busyboxTar()]);
    assert.equal(load.code, 0, load.stderr + d.logTail());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-'));
  });

  after(async () => {
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('user, workdir, hostname, hosts, dns, ulimits, caps, security, resources, mounts, sysctls: seen inside', async () => {
    const script = [
      'id', 'pwd', 'hostname', 'tail -2 /etc/hosts', 'cat /etc/resolv.conf', 'ulimit -n', 'ulimit -Hn',
      'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status', `cat ${CG.memory} ${CG.cpuQuota} ${CG.pids}`,
      'mount | grep -E " on /(run|dev/shm|data|ro) "', 'cat /proc/sys/net/ipv4/ip_forward', 'echo $GREETING',
      'touch /x 2>&1 || true', 'unshare -U true 2>/dev/null && echo userns-allowed || echo userns-denied',
    ].join('; echo ---; ');
    const r = await d.docker(['run', '--name', 'many', '-u', '1000:1000', '--group-add', '1234', '-w', '/made/here', '-h', 'myhost',
      '--domainname', 'example.com', '--add-host', 'foo:1.2.3.4', '--dns', '9.9.9.9', '--dns-search', 'a.example', '--dns-option', 'ndots:2',
      '--ulimit', 'nofile=1024:2048', '--cap-add', 'NET_ADMIN', '--cap-drop', 'CHOWN', '--security-opt', 'no-new-privileges',
      '--memory', '32m', '--cpus', '0.5', '--pids-limit', '50', '--shm-size', '16m', '--tmpfs', '/run:size=1m', '--read-only',
      '-v', `${tmp}/created/by/v:/data`, '--mount', `type=bind,src=${tmp},dst=/ro,readonly`, '--sysctl', 'net.ipv4.ip_forward=1',
      '-e', 'GREETING=hello', '-l', 'team=berth', '--stop-signal', 'SIGUSR1', '--stop-timeout', '7', '--expose', '8080',
      'busybox', 'sh', '-c', script]);
    assert.equal(r.code, 0, r.stderr + d.logTail());
    const [id, pwd, host, hosts, resolv, nofile, hardNofile, status, cgroup, mounts, forward, env, rootRo, unshare] =
      r.stdout.split('---\n').map((s) => s.trim());
    assert.equal(id, 'uid=1000 gid=1000 groups=1000,1234'); // dockerd: the primary gid is an additional gid too
    assert.equal(pwd, '/made/here');
    assert.equal(host, 'myhost');
    // as dockerd: extra hosts, then the container's own address on the default bridge
    assert.match(hosts!, /^1\.2\.3\.4\tfoo\n\d+\.\d+\.\d+\.\d+\tmyhost\.example\.com myhost$/);
    assert.equal(resolv, 'nameserver 9.9.9.9\nsearch a.example\noptions ndots:2');
    assert.equal(nofile, '1024');
    assert.equal(hardNofile, '2048');
    // Non-root: no effective capabilities; the bounding set is checked for root below.
    assert.match(status!, /^CapEff:\s+0+$/m);
    assert.match(status!, /^NoNewPrivs:\s+1$/m);
    assert.match(status!, /^Seccomp:\s+2$/m);
    const [mem, quota, pids] = cgroup!.split('\n');
    assert.equal(mem, String(32 * 1024 * 1024));
    assert.equal(quota, cgroupV2 ? '50000 100000' : '50000');
    assert.equal(pids, '50');
    assert.match(mounts!, /^tmpfs on \/run type tmpfs \(rw,nosuid,nodev,noexec,.*size=1024k/m);
    assert.match(mounts!, /^shm on \/dev\/shm type tmpfs .*size=16384k/m);
    assert.match(mounts!, / on \/ro type \S+ \(ro,/m);
    assert.match(mounts!, / on \/data type \S+ \(rw,/m);
    assert.equal(forward, '1');
    assert.equal(env, 'hello');
    assert.match(rootRo!, /Read-only file system/);
    assert.equal(unshare, 'userns-denied', 'the default seccomp profile refuses new namespaces');
    assert.ok(fs.statSync(path.join(tmp, 'created/by/v')).isDirectory(), '-v created the missing host directory');

    const inspect = await d.docker(['inspect', '--format', [
      '{{.Config.User}}', '{{.Config.WorkingDir}}', '{{.Config.Hostname}}', '{{.Config.Domainname}}', '{{.Config.StopSignal}}',
      '{{.Config.StopTimeout}}', '{{index .Config.Labels "team"}}', '{{json .Config.ExposedPorts}}', '{{.HostConfig.Memory}}',
      '{{.HostConfig.MemorySwap}}', '{{.HostConfig.NanoCpus}}', '{{.HostConfig.PidsLimit}}', '{{.HostConfig.ShmSize}}',
      '{{.HostConfig.ReadonlyRootfs}}', '{{json .HostConfig.CapAdd}}', '{{json .HostConfig.CapDrop}}', '{{json .HostConfig.SecurityOpt}}',
      '{{json .HostConfig.Ulimits}}', '{{json .HostConfig.Dns}}', '{{json .HostConfig.ExtraHosts}}', '{{json .HostConfig.Tmpfs}}',
      '{{json .HostConfig.Sysctls}}', '{{json .HostConfig.GroupAdd}}', '{{.HostConfig.IpcMode}}',
    ].join('|'), 'many']);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.equal(inspect.stdout.trim(), [
      '1000:1000', '/made/here', 'myhost', 'example.com', 'SIGUSR1', '7', 'berth', '{"8080/tcp":{}}', String(32 << 20), String(64 << 20),
      '500000000', '50', String(16 << 20), 'true', '["CAP_NET_ADMIN"]', '["CAP_CHOWN"]', '["no-new-privileges"]',
      '[{"Hard":2048,"Name":"nofile","Soft":1024}]', '["9.9.9.9"]', '["foo:1.2.3.4"]', '{"/run":"size=1m"}',
      '{"net.ipv4.ip_forward":"1"}', '["1234"]', 'private',
    ].join('|'));
    assert.equal((await d.docker(['rm', 'many'])).code, 0);
  });

  test('capabilities, seccomp=unconfined, host UTS, --init, devices, named user', async () => {
    const r = await d.docker(['run', '--rm', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', '--cap-add', 'KILL', '--security-opt', 'seccomp=unconfined',
      '--uts', 'host', '--init', '--device', '/dev/null:/dev/mynull:rw', '-u', 'nobody', 'busybox', 'sh', '-c',
      'grep -E "^(CapBnd|Seccomp):" /proc/self/status; hostname; ps -o pid,args | sed -n 2p; ls -l /dev/mynull; id -u; unshare -U true && echo userns-allowed']);
    assert.equal(r.code, 0, r.stderr + d.logTail());
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'CapBnd:\t0000000000000021', 'CHOWN (bit 0) and KILL (bit 5) only');
    assert.equal(lines[1], 'Seccomp:\t0');
    assert.equal(lines[2], os.hostname());
    assert.match(lines[3]!, /^\s*1 \/sbin\/docker-init -- sh -c/);
    assert.match(lines[4]!, /^crw.* 1,\s+3 .*\/dev\/mynull$/);
    assert.equal(lines[5], '65534');
    assert.equal(lines[6], 'userns-allowed', 'without seccomp a user namespace can be created');
  });

  test('--cgroupns private gives the container its own cgroup namespace; --privileged gets every capability', async () => {
    const host = fs.readlinkSync('/proc/self/ns/cgroup');
    const r = await d.docker(['run', '--rm', '--cgroupns', 'private', 'busybox', 'readlink', '/proc/self/ns/cgroup']);
    assert.equal(r.code, 0, r.stderr + d.logTail());
    assert.notEqual(r.stdout.trim(), host);
    const shared = await d.docker(['run', '--rm', '--cgroupns', 'host', 'busybox', 'readlink', '/proc/self/ns/cgroup']);
    assert.equal(shared.stdout.trim(), host);
    const priv = await d.docker(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status; grep -c " /sys .*rw," /proc/self/mounts']);
    assert.equal(priv.code, 0, priv.stderr + d.logTail());
    const ours = /^CapBnd:\s*(\S+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    assert.deepEqual(priv.stdout.trim().split('\n'), [`CapEff:\t${ours}`, '1']);
  });

  test('namespaces shared with another container: pid and shareable ipc; not-running peers refused', async () => {
    const donor = await d.docker(['run', '-d', '--name', 'donor', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo shared > /dev/shm/x; exec sleep 300']);
    assert.equal(donor.code, 0, donor.stderr + d.logTail());
    const r = await d.docker(['run', '--rm', '--pid', 'container:donor', '--ipc', 'container:donor', 'busybox', 'sh', '-c',
      'ps -o args | grep -c "^sleep 300"; cat /dev/shm/x; readlink /proc/self/ns/ipc']);
    assert.equal(r.code, 0, r.stderr + d.logTail());
    const [sleeps, shm, ipcNs] = r.stdout.trim().split('\n');
    assert.equal(sleeps, '1');
    assert.equal(shm, 'shared');
    const donorNs = await d.docker(['exec', 'donor', 'readlink', '/proc/self/ns/ipc']);
    assert.equal(donorNs.stdout.trim(), ipcNs);
    const created = await d.docker(['create', '--name', 'idle', 'busybox', 'true']);
    assert.equal(created.code, 0, created.stderr);
    const refused = await d.docker(['run', '--rm', '--pid', 'container:idle', 'busybox', 'true']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /container [0-9a-f]{64} is not running/);
    assert.equal((await d.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort().join(','), 'donor,idle',
      'the --rm container that failed to start was removed');
    await d.docker(['rm', '-f', 'donor', 'idle']);
  });

  test('docker update changes a running container\'s cgroup limits and restart policy', async () => {
    const run = await d.docker(['run', '-d', '--name', 'upd', '--memory', '32m', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr + d.logTail());
    const up = await d.docker(['update', '--memory', '48m', '--cpus', '1.5', '--pids-limit', '77', '--restart', 'on-failure:3', 'upd']);
    assert.equal(up.code, 0, up.stderr + d.logTail());
    const cg = await d.docker(['exec', 'upd', 'cat', CG.memory, CG.cpuQuota, CG.pids]);
    assert.deepEqual(cg.stdout.trim().split('\n'), [String(48 << 20), cgroupV2 ? '150000 100000' : '150000', '77']);
    const inspect = await d.docker(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'upd']);
    assert.equal(inspect.stdout.trim(), `${48 << 20} ${64 << 20} 1500000000 77 on-failure:3`);
    const api = clientOf(d, '1.41');
    await rejectsWith(api.containerUpdate({ id: 'upd', body: { Memory: 128 << 20 } }), ConflictError,
      /^Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time$/);
    assert.deepEqual(await api.containerUpdate({ id: 'upd', body: { Memory: 128 << 20, MemorySwap: 256 << 20 } }), { Warnings: null });
    assert.equal((await d.docker(['exec', 'upd', 'cat', CG.memory])).stdout.trim(), String(128 << 20));
    await rejectsWith(api.containerUpdate({ id: 'nope', body: { Memory: 128 << 20 } }), NotFoundError, 'No such container: nope');
    await rejectsWith(api.containerUpdate({ id: 'upd', body: { Memory: 1 } }), BadRequestError, 'Minimum memory limit allowed is 6MB');
    await d.docker(['rm', '-f', 'upd']);
  });

  test('bad input: 4xx with dockerd\'s messages, and warnings in the create response', async () => {
    /** Create through the client, untyped (some bodies are wrongly typed on purpose): the status and message, or the warnings. */
    const create = async (body: unknown, name?: string): Promise<{ status: number; message?: string; Warnings?: string[] }> => {
      try {
        const r = await clientOf(d, '1.41').call('containerCreate', { body, ...(name ? { name } : {}) }) as { Warnings?: string[] };
        return { status: 201, ...r };
      } catch (err) {
        if (!(err instanceof DockerError)) throw err;
        return { status: err.status, message: err.message };
      }
    };
    const cases: Array<[unknown, string | undefined, number, string]> = [
      [{ Image: 'nosuch' }, undefined, 404, 'No such image: nosuch:latest'],
      [{ Image: 'busybox', HostConfig: { Memory: 1024 } }, undefined, 400, 'Minimum memory limit allowed is 6MB'],
      [{ Image: 'busybox', HostConfig: { Memory: 'lots' } }, undefined, 400, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64'],
      [{ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'sometimes' } } }, undefined, 400, "invalid restart policy 'sometimes'"],
      [{ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' }, AutoRemove: true } }, undefined, 400, "can't create 'AutoRemove' container with restart policy"],
      [{ Image: 'busybox', Hostname: 'h', HostConfig: { NetworkMode: 'container:x' } }, undefined, 400, 'conflicting options: hostname and the network mode'],
      [{ Image: 'busybox', HostConfig: { CapAdd: ['BOGUS'] } }, undefined, 400, 'invalid CapAdd: unknown capability: "CAP_BOGUS"'],
      [{ Image: 'busybox', HostConfig: { Binds: ['/a:b'] } }, undefined, 400, `invalid volume specification: '/a:b': invalid mount config for type "bind": invalid mount path: 'b' mount path must be absolute`],
      [{ Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: '/nonexistent-src', Target: '/x' }] } }, undefined, 400, 'invalid mount config for type "bind": bind source path does not exist: /nonexistent-src'],
      [{ Image: 'busybox', HostConfig: { NanoCpus: 1e15 } }, undefined, 400, `Range of CPUs is from 0.01 to ${os.cpus().length}.00, as there are only ${os.cpus().length} CPUs available`],
      [{ Image: 'busybox' }, 'bad name', 400, 'Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
    ];
    for (const [body, name, status, message] of cases) {
      const r = await create(body, name);
      assert.deepEqual([r.status, r.message], [status, message], JSON.stringify(body));
    }
    const malformed = await new Promise<number>((resolve, reject) => {
      // A truncated body: the harness only sends JSON it serializes itself.
      import('node:http').then(({ default: http }) => {
        const req = http.request({ socketPath: d.socket, method: 'POST', path: '/v1.41/containers/create', headers: { 'Content-Type': 'application/json' } },
          (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end('{"Image": "busybox",');
      }, reject);
    });
    assert.equal(malformed, 400);
    const first = await create({ Image: 'busybox', Cmd: ['true'] }, 'dup');
    assert.equal(first.status, 201);
    const dup = await create({ Image: 'busybox', Cmd: ['true'] }, 'dup');
    assert.equal(dup.status, 409);
    assert.match(dup.message!, /^Conflict\. The container name "\/dup" is already in use by container "[0-9a-f]{64}"/);
    const warned = await create({ Image: 'busybox', Cmd: ['true'], HostConfig: { OomKillDisable: true } }, 'warned');
    assert.equal(warned.status, 201);
    assert.equal(warned.Warnings?.length, 1);
    assert.match(warned.Warnings![0]!, cgroupV2 ? /does not support OomKillDisable/ : /OOM killer is disabled for the container, but no memory limit is set/);
    await d.docker(['rm', '-f', 'dup', 'warned']);
  });
});
