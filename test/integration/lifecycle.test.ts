// Container lifecycle end to end with the real docker CLI and @berth/client (raw HTTP for the old
// shapes and malformed bodies): pause/unpause (frozen
// processes), rename, kill with signals, wait, top, rm, restart policies (also across berthd
// restarts), docker ps filters and --format, prune, and the old API shapes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BadRequestError, ConflictError, NotFoundError, NotModifiedError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, skipReason, startBerthd, termTrapped, waitFor } from './harness.js';

// Long-running containers: TERM ends them at once, so stops and berthd shutdowns are quick.
const SERVE = ['sh', '-c', 'trap "exit 0" TERM; trap "echo got HUP" HUP; while :; do sleep 0.1; done'];

describe('container lifecycle', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const api = () => clientOf(d);

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${d.logTail()}`);
    return r.stdout.trim();
  };
  const fails = async (args: string[], message: RegExp): Promise<void> => {
    const r = await d.docker(args);
    assert.notEqual(r.code, 0, `docker ${args.join(' ')} should fail`);
    assert.match(r.stderr, message);
  };
  const inspect = (ref: string, format: string): Promise<string> => ok(['inspect', '--format', format, ref]);
  const trapsTerm = (ref: string): Promise<void> => termTrapped(ref, () => inspect(ref, '{{.State.Pid}}'));
  const run = (name: string, ...args: string[]): Promise<string> => ok(['run', '-d', '--name', name, ...args]);

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

  test('pause freezes the processes; unpause thaws them; paused rules of rm/start/pause', async () => {
    const id = await run('p1', 'busybox', ...SERVE);
    await ok(['pause', 'p1']);
    assert.equal(await inspect('p1', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}'), 'paused true true');
    const pid = await inspect('p1', '{{.State.Pid}}');
    const freezer = `/sys/fs/cgroup/freezer/berth/${id}/freezer.state`;
    if (fs.existsSync(freezer)) assert.equal(fs.readFileSync(freezer, 'utf8').trim(), 'FROZEN');
    else assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /State:\s+D/);
    assert.match(await ok(['ps', '--filter', 'status=paused', '--format', '{{.Names}} {{.State}} {{.Status}}']), /^p1 paused Up .* \(Paused\)$/);
    await fails(['pause', 'p1'], new RegExp(`Container ${id} is already paused`));
    await fails(['rm', 'p1'], new RegExp(`You cannot remove a paused container ${id}. Unpause and then stop the container before attempting removal or force remove`));
    await fails(['start', 'p1'], /cannot start a paused container, try unpause instead/);
    await ok(['unpause', 'p1']);
    if (fs.existsSync(freezer)) assert.equal(fs.readFileSync(freezer, 'utf8').trim(), 'THAWED');
    assert.doesNotMatch(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /State:\s+[DT]/);
    assert.equal(await inspect('p1', '{{.State.Status}} {{.State.Paused}}'), 'running false');
    await fails(['unpause', 'p1'], new RegExp(`Container ${id} is not paused`));
    // kill -s HUP reaches the process; it keeps running
    await ok(['kill', '-s', 'HUP', 'p1']);
    await waitFor('HUP in logs', async () => (await d.docker(['logs', 'p1'])).stdout.includes('got HUP'));
    assert.equal(await inspect('p1', '{{.State.Status}}'), 'running');
    // a paused container can be removed with force, and stopped (dockerd 20.10)
    const p2 = await run('p2', 'busybox', 'sleep', '300');
    await ok(['pause', 'p2']);
    await ok(['stop', '-t', '1', 'p2']);
    assert.equal(await inspect('p2', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
    await ok(['start', 'p2']);
    await ok(['pause', 'p2']);
    await ok(['rm', '-f', 'p2']);
    await rejectsWith(api().containerInspect({ id: p2 }), NotFoundError, `No such container: ${p2}`);
    await fails(['pause', p2.slice(0, 12)], /No such container/);
  });

  test('rename: conflict, invalid and same name; hostname unchanged; old name free', async () => {
    const id = await run('r1', 'busybox', ...SERVE);
    const other = await run('r2', 'busybox', ...SERVE);
    const hostname = await inspect('r1', '{{.Config.Hostname}}');
    await fails(['rename', 'r1', 'r2'], new RegExp(`Error when allocating new name: Conflict. The container name "/r2" is already in use by container "${other}". You have to remove \\(or rename\\) that container to be able to reuse that name.`));
    await fails(['rename', 'r1', 'r1'], /Renaming a container with the same name as its current name/);
    await fails(['rename', 'r1', 'bad!'], /Invalid container name \(\/bad!\)/);
    await rejectsWith(api().containerRename({ id: 'r1', name: '' }), BadRequestError, 'Neither old nor new names may be empty');
    await ok(['rename', 'r1', 'renamed']);
    assert.equal(await inspect(id, '{{.Name}} {{.Config.Hostname}}'), `/renamed ${hostname}`);
    assert.equal(await ok(['exec', 'renamed', 'hostname']), hostname);
    await ok(['run', '-d', '--name', 'r1', 'busybox', 'true']);
    await ok(['rm', '-f', 'r1', 'r2']);
  });

  test('top lists the container processes; 409 when not running; bad ps_args', async () => {
    const top = await ok(['top', 'p1']);
    assert.match(top.split('\n')[0]!, /PID/);
    assert.match(top, /sh -c trap/);
    const custom = await ok(['top', 'p1', '-o', 'pid,comm']);
    assert.match(custom, /^PID\s+COMMAND\n/);
    assert.match(custom, /\bsh\b/);
    const body = await api().containerTop({ id: 'p1' });
    const pid = await inspect('p1', '{{.State.Pid}}');
    assert.ok(body.Processes?.some((p) => p[body.Titles!.indexOf('PID')] === pid), JSON.stringify(body));
    const id = await ok(['create', '--name', 't0', 'busybox', 'true']);
    await fails(['top', 't0'], new RegExp(`Container ${id} is not running`));
    await rejectsWith(api().containerTop({ id: 'p1', ps_args: '-o x=PID' }), BadRequestError, 'specifying "x=PID" is not allowed');
    await ok(['rm', 't0']);
  });

  test('kill, stop, start, wait and rm status codes and messages', async () => {
    const id = await ok(['create', '--name', 'k1', 'busybox', 'sh', '-c', 'exit 7']);
    await fails(['kill', 'k1'], new RegExp(`Cannot kill container: k1: Container ${id} is not running`));
    await rejectsWith(api().containerKill({ id: 'k1' }), ConflictError, new RegExp(`Container ${id} is not running`));
    await clientOf(d, '1.19').containerKill({ id: 'k1' }); // before 1.20 not an error
    await rejectsWith(api().containerKill({ id: 'p1', signal: 'FOO' }), BadRequestError, 'Invalid signal: FOO');
    await rejectsWith(api().containerStop({ id: 'k1' }), NotModifiedError);
    await ok(['start', 'k1']);
    assert.equal(await ok(['wait', 'k1']), '7');
    assert.deepEqual(await api().containerWait({ id: 'k1' }), { StatusCode: 7, Error: null });
    await rejectsWith(api().containerStart({ id: 'p1' }), NotModifiedError);
    await fails(['rm', 'p1'], /You cannot remove a running container [0-9a-f]{64}. Stop the container before attempting removal or force remove/);
    await rejectsWith(api().containerDelete({ id: 'k1', link: true }), ConflictError, 'Conflict, cannot remove the default link name of the container');
    // next-exit and removed waits, with signals by number
    const w = await run('w1', 'busybox', ...SERVE);
    const nextExit = api().containerWait({ id: w, condition: 'next-exit' });
    const removed = api().containerWait({ id: w, condition: 'removed' });
    await trapsTerm('w1');
    await ok(['kill', '-s', '15', 'w1']);
    assert.deepEqual(await nextExit, { StatusCode: 0, Error: null });
    await ok(['rm', 'w1']);
    assert.deepEqual(await removed, { StatusCode: 0, Error: null });
    await ok(['rm', 'k1']);
  });

  test('restart policies: on-failure:3 restarts exactly 3 times; docker restart; stop cancels always', async () => {
    await ok(['run', '-d', '--name', 'of3', '--restart', 'on-failure:3', 'busybox', 'sh', '-c', 'exit 5']);
    await waitFor('on-failure to give up', async () =>
      (await inspect('of3', '{{.State.Status}} {{.RestartCount}}')) === 'exited 3');
    assert.equal(await inspect('of3', '{{.State.ExitCode}} {{.State.Restarting}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'),
      '5 false on-failure:3');
    // always: a crash restarts it; a manual stop does not
    await ok(['run', '-d', '--name', 'al1', '--restart', 'always', 'busybox', ...SERVE]);
    await trapsTerm('al1');
    await ok(['kill', '-s', 'TERM', 'al1']); // TERM is the stop signal: counts as a manual stop, as in dockerd
    await waitFor('al1 exit', async () => (await inspect('al1', '{{.State.Status}}')) === 'exited');
    await ok(['start', 'al1']);
    const firstPid = await inspect('al1', '{{.State.Pid}}');
    process.kill(Number(firstPid), 'SIGKILL'); // a crash
    await waitFor('al1 restarted', async () => {
      const s = await inspect('al1', '{{.State.Status}} {{.RestartCount}} {{.State.Pid}}');
      return s.startsWith('running 1 ') && !s.endsWith(` ${firstPid}`);
    });
    await ok(['stop', 'al1']);
    assert.equal(await inspect('al1', '{{.State.Status}} {{.State.Restarting}}'), 'exited false');
    // docker restart: new process, RestartCount back to 0
    await ok(['start', 'al1']);
    const before = await inspect('al1', '{{.State.Pid}} {{.State.StartedAt}}');
    await ok(['restart', '-t', '1', 'al1']);
    const after = await inspect('al1', '{{.State.Status}} {{.RestartCount}} {{.State.Pid}} {{.State.StartedAt}}');
    assert.match(after, /^running 0 /);
    assert.notEqual(after.slice('running 0 '.length), before);
    // a container in its restart loop: stop ends the loop for good; rm -f removes one
    for (const [name, end] of [['loop1', ['stop', 'loop1']], ['loop2', ['rm', '-f', 'loop2']]] as const) {
      await ok(['run', '-d', '--name', name, '--restart', 'always', 'busybox', 'sh', '-c', 'exit 1']);
      await waitFor(`${name} restarting`, async () => Number(await inspect(name, '{{.RestartCount}}')) >= 2);
      await ok([...end]);
    }
    assert.equal(await inspect('loop1', '{{.State.Status}} {{.State.Restarting}} {{.State.ExitCode}}'), 'exited false 1');
    const count = await inspect('loop1', '{{.RestartCount}}');
    await ok(['ps', '-a']);
    assert.equal(await inspect('loop1', '{{.State.Status}} {{.RestartCount}}'), `exited ${count}`);
    assert.equal((await d.docker(['inspect', 'loop2'])).code, 1);
    await ok(['rm', '-f', 'of3', 'loop1']);
  });

  test('docker ps: every filter, both filter encodings, limit/since/before, --format', async () => {
    await ok(['run', '--name', 'f-exit0', '--label', 'app=web', '--label', 'tier=front', 'busybox', 'true']);
    const r = await d.docker(['run', '--name', 'f-exit3', '--label', 'app=db', 'busybox', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3);
    const created = await api().containerCreate({ name: 'f-vol', body: { Image: 'busybox', Cmd: ['true'], Volumes: { '/data': {} } } });
    assert.match(created.Id, /^[0-9a-f]{64}$/);
    const ids = new Map<string, string>();
    for (const n of ['f-exit0', 'f-exit3', 'f-vol']) ids.set(n, await inspect(n, '{{.Id}}'));
    const names = async (...filters: string[]): Promise<string[]> => {
      const out = await ok(['ps', '-a', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}']);
      return out.split('\n').filter((n) => n.startsWith('f-')).sort();
    };
    assert.deepEqual(await names('name=f-exit'), ['f-exit0', 'f-exit3']);
    assert.deepEqual(await names(`id=${ids.get('f-vol')!.slice(0, 12)}`), ['f-vol']);
    assert.deepEqual(await names('label=app'), ['f-exit0', 'f-exit3']);
    assert.deepEqual(await names('label=app=web', 'label=tier'), ['f-exit0']);
    assert.deepEqual(await names('status=created'), ['f-vol']);
    assert.deepEqual(await names('exited=3'), ['f-exit3']);
    assert.deepEqual(await names('exited=0', 'name=f-'), ['f-exit0']);
    assert.deepEqual(await names('ancestor=busybox', 'name=f-'), ['f-exit0', 'f-exit3', 'f-vol']);
    assert.deepEqual(await names('ancestor=nosuchimage'), []);
    assert.deepEqual(await names('before=f-vol', 'name=f-'), ['f-exit0', 'f-exit3']);
    assert.deepEqual(await names('since=f-exit0'), ['f-exit3', 'f-vol']);
    assert.deepEqual(await names('volume=/data'), ['f-vol']);
    assert.deepEqual(await names('network=nosuchnet'), []);
    assert.deepEqual(await names('health=none', 'name=f-'), ['f-exit0', 'f-exit3', 'f-vol']);
    assert.deepEqual(await names('publish=80'), []);
    assert.deepEqual(await names('expose=80/tcp'), []);
    assert.deepEqual(await names('is-task=false', 'name=f-'), ['f-exit0', 'f-exit3', 'f-vol']);
    assert.deepEqual(await names('is-task=true'), []);
    // without -a only running ones (p1 and al1 are up); -n includes stopped ones
    const running = (await ok(['ps', '--format', '{{.Names}}'])).split('\n').sort();
    assert.deepEqual(running, ['al1', 'p1', 'renamed']);
    assert.equal(await ok(['ps', '-n', '1', '--format', '{{.Names}}']), 'f-vol');
    assert.equal(await ok(['ps', '-l', '-q']), ids.get('f-vol')!.slice(0, 12));
    // the older map-of-bools encoding and the current one
    for (const filters of [{ name: { 'f-exit3': true } }, { name: ['f-exit3'] }]) {
      const list = await api().containerList({ all: true, filters });
      assert.deepEqual(list.map((c) => c.Names?.[0]), ['/f-exit3'], JSON.stringify(filters));
    }
    await rejectsWith(api().containerList({ filters: { colour: ['red'] } }), BadRequestError, "Invalid filter 'colour'");
    await fails(['ps', '--filter', 'status=sleepy'], /Invalid filter 'status=sleepy'/);
    // --format over list and inspect
    assert.equal(await ok(['ps', '-a', '--filter', 'name=f-exit0', '--format', '{{.Names}}|{{.Label "app"}}|{{.State}}|{{.Command}}|{{.Image}}']),
      'f-exit0|web|exited|"true"|busybox');
    assert.equal(await inspect('f-exit3', '{{.State.Status}} {{.State.ExitCode}} {{.Path}} {{json .Args}} {{index .Config.Labels "app"}} {{.Driver}} {{.Platform}}'),
      'exited 3 sh ["-c","exit 3"] db overlayfs linux');
    const state = JSON.parse(await inspect('f-exit3', '{{json .State}}')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(state).sort(), ['Dead', 'Error', 'ExitCode', 'FinishedAt', 'OOMKilled', 'Paused', 'Pid', 'Restarting', 'Running', 'StartedAt', 'Status']);
    const full = await api().containerInspect({ id: 'f-exit3' });
    for (const k of ['Config', 'HostConfig', 'Mounts', 'GraphDriver', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath', 'RestartCount', 'NetworkSettings'] as const) {
      assert.ok(k in full, k);
    }
  });

  test('old API versions: list and inspect shapes, HostConfig on start before 1.24', async () => {
    const list = await clientOf(d, '1.12').containerList({ all: true }); // typed as 1.12's list
    assert.ok(list.length > 0);
    for (const c of list) for (const k of ['Labels', 'Mounts', 'State', 'ImageID', 'HostConfig']) assert.ok(!(k in c), k);
    const old = await clientOf(d, '1.18').containerInspect({ id: 'f-vol' }); // typed as 1.18's inspect
    assert.ok('Volumes' in old && 'VolumesRW' in old && !('Mounts' in old));
    // State.Status and Platform at every version, as dockerd sends them (no CHANGELOG entry adds them)
    assert.ok('Status' in (old.State as object) && 'Platform' in old);
    assert.equal(old.ExecDriver, 'native-0.2');
    assert.equal((old.NetworkSettings as Record<string, unknown>).Ports, null);
    const v124 = await clientOf(d, '1.24').containerInspect({ id: 'f-vol' });
    assert.ok('Mounts' in v124 && 'Platform' in v124 && !('ExecDriver' in v124));
    // before 1.24 start takes a HostConfig body; from 1.24 it is refused
    await ok(['create', '--name', 'legacy', 'busybox', 'true']);
    const rejected = await d.request('POST', '/v1.24/containers/legacy/start', { RestartPolicy: { Name: 'no' } });
    assert.equal(rejected.status, 400);
    // the client pinned to 1.19 sends start in 1.19's shape
    await clientOf(d, '1.19').containerStart({ id: 'legacy', body: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 } } });
    assert.equal(await inspect('legacy', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'), 'on-failure:1');
  });

  test('container prune: label, label! and until filters', async () => {
    const pruned = await inspect('f-exit3', '{{.Id}}');
    const report = await api().containerPrune({ filters: { label: ['app'], 'label!': ['tier'] } });
    assert.deepEqual(report.ContainersDeleted, [pruned]);
    assert.equal((await d.docker(['inspect', 'f-exit3'])).code, 1, 'f-exit3 pruned');
    assert.equal((await d.docker(['inspect', 'f-exit0'])).code, 0, 'f-exit0 kept (label! tier)');
    assert.deepEqual(await api().containerPrune({ filters: { until: ['1h'] } }), { ContainersDeleted: null, SpaceReclaimed: 0 });
    await rejectsWith(api().containerPrune({ filters: { status: ['exited'] } }), BadRequestError);
    const out = await ok(['container', 'prune', '-f']);
    assert.match(out, /Deleted Containers:/);
    const left = (await ok(['ps', '-a', '--format', '{{.Names}}'])).split('\n').sort();
    assert.deepEqual(left, ['al1', 'p1', 'renamed']);
    await rejectsWith(clientOf(d, '1.24').call('containerPrune'), NotFoundError); // prune exists from 1.25 (not a method of a 1.24 client)
  });

  test('create refuses wrongly typed fields and non-JSON bodies with 400s and dockerd\'s texts', async () => {
    const before = await ok(['ps', '-aq']);
    const wrongType = await d.requestRaw('POST', '/v1.41/containers/create', '{"Image":"busybox","Env":[1]}');
    assert.equal(wrongType.status, 400);
    assert.equal(JSON.parse(wrongType.body).message, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string');
    const textPlain = await d.requestRaw('POST', '/v1.41/containers/create', '{"Image":"busybox"}', 'text/plain');
    assert.equal(textPlain.status, 400);
    assert.equal(JSON.parse(textPlain.body).message, "Content-Type specified (text/plain) must be 'application/json'");
    assert.equal(await ok(['ps', '-aq']), before, 'nothing was created');
  });

  test('inspect shows dockerd\'s stored defaults and env order for a plain docker run', async () => {
    await ok(['create', '--name', 'defaults', '-e', 'A=1', 'busybox', 'true']);
    const hc = JSON.parse(await inspect('defaults', '{{json .HostConfig}}')) as Record<string, unknown>;
    assert.equal(hc.ShmSize, 67108864);
    assert.equal(hc.IpcMode, 'private');
    assert.deepEqual(hc.LogConfig, { Type: 'json-file', Config: {} });
    assert.equal(hc.MemorySwappiness, null);
    assert.equal(hc.PidsLimit, null);
    assert.ok(Array.isArray(hc.MaskedPaths) && hc.MaskedPaths.includes('/proc/kcore'));
    const cfg = JSON.parse(await inspect('defaults', '{{json .Config}}')) as Record<string, unknown>;
    assert.deepEqual(cfg.Env, ['A=1', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    assert.equal(cfg.Volumes, null);
    assert.ok(!('ExposedPorts' in cfg));
    await ok(['rm', 'defaults']);
  });

  test('exec into a paused container names it as the client did; ps args that ps refuses are a 400 for top', async () => {
    await run('frozen', 'busybox', ...SERVE);
    await ok(['pause', 'frozen']);
    const r = await d.docker(['exec', 'frozen', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Container frozen is paused, unpause the container before exec/);
    await ok(['unpause', 'frozen']);
    await rejectsWith(clientOf(d, '1.41').containerTop({ id: 'frozen', ps_args: '-zzz' }), BadRequestError, /^ps: /);
    await ok(['rm', '-f', 'frozen']);
  });

  test('container prune reports the space of the removed writable layers', async () => {
    await ok(['run', '--name', 'writer', '--label', 'prune-size=1', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1024 count=300 2>/dev/null']);
    const body = await clientOf(d, '1.41').containerPrune({ filters: { label: ['prune-size=1'] } });
    assert.equal(body.ContainersDeleted?.length, 1);
    assert.ok((body.SpaceReclaimed ?? 0) >= 300 * 1024, `SpaceReclaimed ${body.SpaceReclaimed}`);
  });

  test('berthd restart: always and unless-stopped come back, unless-stopped stopped by the user stays stopped', async () => {
    await run('us1', '--restart', 'unless-stopped', 'busybox', ...SERVE);
    await run('us2', '--restart', 'unless-stopped', 'busybox', ...SERVE);
    await ok(['stop', 'us2']);
    await d.stop('SIGTERM');
    await d.start();
    const status = async (n: string): Promise<string> => inspect(n, '{{.State.Status}}');
    await waitFor('always and unless-stopped running', async () =>
      (await status('al1')) === 'running' && (await status('us1')) === 'running');
    assert.equal(await status('us2'), 'exited');
    assert.equal(await inspect('renamed', '{{.Name}}'), '/renamed', 'rename persisted');
    assert.match(await ok(['top', 'al1']), /sh -c trap/);
  });
});
