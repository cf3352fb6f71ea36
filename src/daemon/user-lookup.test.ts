import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveUser } from './user-lookup.js';

const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nwww-data:x:33:33::/var/www:/bin/false\n';
const group = 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\nstaff:x:50:www-data\n';

test('resolves names, uids and groups from the image files', () => {
  assert.deepEqual(resolveUser('', passwd, group), { uid: 0, gid: 0, additionalGids: [0], home: '/root' });
  assert.deepEqual(resolveUser('nobody', passwd, group), { uid: 65534, gid: 65534, additionalGids: [65534], home: '/nonexistent' });
  assert.deepEqual(resolveUser('www-data', passwd, group), { uid: 33, gid: 33, additionalGids: [33, 50], home: '/var/www' });
  assert.deepEqual(resolveUser('1000:1001', passwd, group), { uid: 1000, gid: 1001, additionalGids: [1001], home: '/' });
  assert.equal(resolveUser('nobody:staff', passwd, group).gid, 50);
  assert.throws(() => resolveUser('ghost', passwd, group), /unable to find user ghost: no matching entries in passwd file/);
});

test('additional gids as dockerd\'s getUser: primary gid, then the user\'s groups (implicit form only), then --group-add', () => {
  assert.deepEqual(resolveUser('1000:1000', passwd, group, ['1234']).additionalGids, [1000, 1234]);
  assert.deepEqual(resolveUser('www-data:www-data', passwd, group).additionalGids, [33]);
  assert.deepEqual(resolveUser('www-data', passwd, group, ['staff']).additionalGids, [33, 50, 50]);
});

test('HOME is runc\'s: the home of the first entry with the uid, "/" without one', () => {
  assert.equal(resolveUser('', undefined, undefined).home, '/');
  assert.equal(resolveUser('', 'daemon:x:1:1::/usr/sbin:/bin/false\n', undefined).home, '/');
  assert.equal(resolveUser('4242', passwd, group).home, '/');
  // runc looks the uid up again: the first entry with that uid wins, not the named one
  assert.equal(resolveUser('toor', 'root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/home/toor:/bin/sh\n', undefined).home, '/root');
  // libcontainer's parser: no comment syntax, a bad number reads as 0, a missing field as ""
  assert.equal(resolveUser('', '#comment\nroot:x:0:0::/root:/bin/sh\n', undefined).home, '');
  assert.equal(resolveUser('', 'root:x:0:0\n', undefined).home, '');
});
