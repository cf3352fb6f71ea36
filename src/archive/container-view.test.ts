import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goFileMode, resolveInView, type ContainerView } from './container-view.js';
import { cleanEntryName } from './tar-extract.js';

function fixture(): { view: ContainerView; root: string; vol: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'view-'));
  const root = path.join(base, 'root'); const vol = path.join(base, 'vol');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  fs.mkdirSync(vol);
  fs.symlinkSync('/', path.join(root, 'rootlink'));
  fs.symlinkSync('../../../../..', path.join(root, 'up'));
  fs.symlinkSync('/data/x', path.join(root, 'tovol'));
  return { view: { root, mounts: [{ destination: '/data', source: vol }] }, root, vol };
}

test('links to / and above it stay in the root', () => {
  const { view, root } = fixture();
  assert.equal(resolveInView(view, '/rootlink/etc', true).host, path.join(root, 'etc'));
  assert.equal(resolveInView(view, '/up/etc/passwd', true).host, path.join(root, 'etc/passwd'));
  assert.equal(resolveInView(view, '/../../etc', true).host, path.join(root, 'etc'));
  assert.equal(resolveInView(view, '/missing/../../../x', true).host, path.join(root, 'x'));
  assert.equal(resolveInView(view, '/rootlink', false).cpath, '/rootlink');
});

test('paths under a mount resolve to its source', () => {
  const { view, vol } = fixture();
  assert.equal(resolveInView(view, '/data/a', true).host, path.join(vol, 'a'));
  assert.equal(resolveInView(view, '/tovol', true).host, path.join(vol, 'x'));
});

test("Go's FileMode bits and tar entry names", () => {
  assert.equal(goFileMode(0o40755), 2 ** 31 + 0o755);
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777);
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755);
  assert.equal(cleanEntryName('/etc/x'), 'etc/x');
  assert.equal(cleanEntryName('a/../../b'), undefined);
  assert.equal(cleanEntryName('dir/'), 'dir');
});
