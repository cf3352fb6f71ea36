import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountDirs } from './mount-dirs.js';

test('mount dirs: overlay upper and lowers (top first), a view without upper, a bind mount, nothing else', () => {
  assert.deepEqual(mountDirs([{ type: 'overlay', source: 'overlay', options: ['workdir=/w', 'upperdir=/u', 'lowerdir=/l2:/l1'] }]), { upper: '/u', lowers: ['/l2', '/l1'] });
  assert.deepEqual(mountDirs([{ type: 'overlay', source: 'overlay', options: ['lowerdir=/l2:/l1'] }]), { upper: '', lowers: ['/l2', '/l1'] });
  assert.deepEqual(mountDirs([{ type: 'bind', source: '/s/1/fs', options: ['rbind', 'rw'] }]), { upper: '/s/1/fs', lowers: [] });
  assert.equal(mountDirs([{ type: 'tmpfs', source: 'tmpfs', options: [] }]), undefined);
  assert.equal(mountDirs([]), undefined);
});
