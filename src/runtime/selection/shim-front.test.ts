import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from './crun-probe.js';
import { groupSocketPath, installShimFront } from './shim-front.js';

const grep = findOnPath('grep');

test('shim front: answers delete and a joining start while the shim listens, runs the shim binary otherwise', { skip: !grep && 'needs grep' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shimfront-'));
  const server = net.createServer();
  try {
    // a fake shim binary that says it ran
    const fake = path.join(dir, 'real shim');
    fs.writeFileSync(fake, '#!/bin/sh\necho "real $*"\n', { mode: 0o755 });
    const stateRoot = path.join(dir, 'state');
    const front = installShimFront(path.join(dir, 'runtimes'), { shim: fake, grep: [grep!] }, stateRoot);
    assert.equal(front.path, path.join(dir, 'runtimes', 'containerd-shim-runc-v2'));
    const bundle = path.join(dir, 'bundle');
    fs.mkdirSync(bundle);
    const sock = path.join(dir, 'group.sock');
    const ns = 'berth';
    const run = (args: string[]): { out: Buffer; err: string } => {
      const r = spawnSync(front.path, args, { cwd: bundle, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(r.status, 0);
      return { out: r.stdout, err: r.stderr.toString() };
    };
    const common = ['-namespace', ns, '-address', '/x/containerd.sock', '-publish-binary', '/usr/bin/containerd'];
    const del = [...common, '-id', 'c1', '-bundle', bundle, 'delete'];
    const start = [...common, '-id', 'c1', 'start'];

    // nothing known: the real binary, with every argument
    assert.equal(run(del).out.toString(), `real ${del.join(' ')}\n`);
    assert.equal(run(start).out.toString(), `real ${start.join(' ')}\n`);

    // the group's socket is known but nobody listens (first task of a group, or a dead shim)
    fs.writeFileSync(path.join(front.groupsDir, 'c1'), sock);
    fs.writeFileSync(path.join(bundle, 'address'), `unix://${sock}`);
    assert.match(run(start).out.toString(), /^real /);
    assert.match(run(del).out.toString(), /^real /);

    // the shim listens: start writes the bundle's address file and prints it; delete answers exit 137
    fs.rmSync(path.join(bundle, 'address'));
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const started = run(start);
    assert.deepEqual([started.out.toString(), started.err], [`unix://${sock}`, '']);
    assert.equal(fs.readFileSync(path.join(bundle, 'address'), 'utf8'), `unix://${sock}`);
    const deleted = run(del);
    assert.deepEqual([...deleted.out], [0x10, 0x89, 0x01]);
    assert.equal(deleted.err, '');

    // the runtime still has state for the container: the real cleanup runs even with a live shim
    fs.mkdirSync(path.join(stateRoot, ns, 'c1'), { recursive: true });
    assert.match(run(del).out.toString(), /^real /);
    fs.rmSync(path.join(stateRoot, ns, 'c1'), { recursive: true });
    assert.deepEqual([...run(del).out], [0x10, 0x89, 0x01]);

    // the shim is gone (its socket file stays, as after a kill -9): the real cleanup
    server.close();
    fs.writeFileSync(sock, '');
    assert.match(run(del).out.toString(), /^real /);
    assert.match(run(start).out.toString(), /^real /);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('group socket: containerd 1.6\'s shim.SocketAddress of the group', () => {
  const expected = crypto.createHash('sha256').update('/run/berth/containerd.sock/berth/berth-abc').digest('hex');
  assert.equal(groupSocketPath('/run/berth/containerd.sock', 'berth', 'berth-abc'), `/run/containerd/s/${expected}`);
});
