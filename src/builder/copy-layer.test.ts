import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import tar from 'tar-stream';
import { BuildContext } from './build-context.js';
import { planCopy, writeCopyLayer } from './copy-layer.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-copy-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
for (const [name, body] of Object.entries({ 'a.txt': 'a', 'b.md': 'b', 'dir/x.txt': 'x', 'dir/skip.log': 's', 'dir/deep/y.txt': 'y' })) {
  fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  fs.writeFileSync(path.join(root, name), body);
}
const ctx = BuildContext.fromDir(root, ['**/*.log']);
const none = (): undefined => undefined;

test('a file to a new path, into a directory, wildcards and a directory\'s contents', async () => {
  const file = await planCopy({ tree: ctx, sources: ['a.txt'], dest: '/opt/renamed', add: false, destType: none, name: 'COPY' });
  assert.deepEqual(file.items.map((i) => i.dest), ['/opt/renamed']);
  assert.equal(file.kind, 'file');
  const into = await planCopy({ tree: ctx, sources: ['a.txt'], dest: '/opt', add: false, destType: (p) => (p === '/opt' ? 'dir' : undefined), name: 'COPY' });
  assert.deepEqual(into.items.map((i) => i.dest), ['/opt/a.txt']);
  const wild = await planCopy({ tree: ctx, sources: ['*.txt', '*.md'], dest: '/w/', add: false, destType: none, name: 'COPY' });
  assert.deepEqual(wild.items.map((i) => i.dest), ['/w/a.txt', '/w/b.md']);
  const dir = await planCopy({ tree: ctx, sources: ['dir'], dest: '/d', add: false, destType: none, name: 'COPY' });
  assert.deepEqual(dir.items.map((i) => `${i.kind} ${i.dest}`), ['dir /d/deep', 'file /d/deep/y.txt', 'file /d/x.txt'], '.dockerignore applies');
});

test('the checksum follows content, not mtimes', async () => {
  const one = await planCopy({ tree: ctx, sources: ['dir'], dest: '/d', add: false, destType: none, name: 'COPY' });
  fs.utimesSync(path.join(root, 'dir/x.txt'), new Date(2000, 1, 1), new Date(2000, 1, 1));
  const two = await planCopy({ tree: ctx, sources: ['dir'], dest: '/d', add: false, destType: none, name: 'COPY' });
  assert.equal(one.checksum, two.checksum);
  fs.writeFileSync(path.join(root, 'dir/x.txt'), 'changed');
  const three = await planCopy({ tree: ctx, sources: ['dir'], dest: '/d', add: false, destType: none, name: 'COPY' });
  assert.notEqual(one.checksum, three.checksum);
});

test('errors: outside the context, missing, several sources to a file', async () => {
  await assert.rejects(planCopy({ tree: ctx, sources: ['../etc/passwd'], dest: '/x', add: false, destType: none, name: 'COPY' }), /forbidden path outside the build context/);
  await assert.rejects(planCopy({ tree: ctx, sources: ['nope'], dest: '/x', add: false, destType: none, name: 'COPY' }), /file not found in build context or excluded by .dockerignore/);
  await assert.rejects(planCopy({ tree: ctx, sources: ['dir/skip.log'], dest: '/x', add: false, destType: none, name: 'COPY' }), /excluded by .dockerignore/);
  await assert.rejects(planCopy({ tree: ctx, sources: ['a.txt', 'b.md'], dest: '/x', add: false, destType: none, name: 'COPY' }), /must be a directory and end with a \//);
});

test('the layer tar carries destination names, --chown and --chmod', async () => {
  const plan = await planCopy({ tree: ctx, sources: ['a.txt'], dest: '/app/', add: false, destType: none, name: 'COPY' });
  const out = path.join(root, '..', `layer-${process.pid}.tar`);
  const layer = await writeCopyLayer(plan, out, { chown: { uid: 7, gid: 8 }, chmod: 0o600, createDirs: ['/app'] });
  assert.match(layer.diffId, /^sha256:[0-9a-f]{64}$/);
  const seen: string[] = [];
  const extract = tar.extract();
  fs.createReadStream(out).pipe(extract);
  for await (const e of extract) {
    seen.push(`${e.header.name} ${e.header.type} ${(e.header.mode ?? 0).toString(8)} ${e.header.uid}:${e.header.gid}`);
    e.resume();
  }
  fs.rmSync(out);
  assert.deepEqual(seen, ['app directory 755 7:8', 'app/a.txt file 600 7:8']);
});
