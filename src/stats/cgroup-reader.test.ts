import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountinfo, resolveCgroupDirs } from './cgroup-paths.js';
import { parseBlkioV1, parseFlatKeyed, parseIoStatV2 } from './cgroup-reader.js';

test('cgroup dirs on a hybrid host, with co-mounted v1 controllers, and on pure v2', () => {
  const mountinfo = [
    '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
    '34 31 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '40 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  ].join('\n');
  const dirs = resolveCgroupDirs('4:memory:/berth/abc\n2:cpu,cpuacct:/berth/abc\n0::/berth/abc\n', parseMountinfo(mountinfo));
  assert.equal(dirs.version, 1);
  assert.equal(dirs.v1.get('memory'), '/sys/fs/cgroup/memory/berth/abc');
  assert.equal(dirs.v1.get('cpuacct'), '/sys/fs/cgroup/cpu,cpuacct/berth/abc');
  assert.equal(dirs.v2, '/sys/fs/cgroup/unified/berth/abc');
  const v2 = resolveCgroupDirs('0::/berth/abc\n', parseMountinfo('30 23 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate'));
  assert.equal(v2.version, 2);
  assert.equal(v2.v2, '/sys/fs/cgroup/berth/abc');
});

test('cgroup file formats', () => {
  assert.deepEqual(parseFlatKeyed('user 12\nsystem 3\n'), { user: 12, system: 3 });
  assert.deepEqual(parseBlkioV1('8:0 Read 4096\n8:0 Write 0\nTotal 4096\n'), [
    { major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 0 },
  ]);
  assert.deepEqual(parseIoStatV2('259:0 rbytes=8192 wbytes=4096 rios=2 wios=1 dbytes=0 dios=0\n').bytes, [
    { major: 259, minor: 0, op: 'read', value: 8192 }, { major: 259, minor: 0, op: 'write', value: 4096 },
  ]);
});

test('/proc/<pid>/net/dev: every interface but loopback', async () => {
  const { parseNetDev } = await import('./proc-net-dev.js');
  const text = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    '    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0',
    '  eth0:    5338      36    1    2    0     0          0         0      648       8    3    4    0     0       0          0',
  ].join('\n');
  assert.deepEqual(parseNetDev(text), {
    eth0: { rx_bytes: 5338, rx_packets: 36, rx_errors: 1, rx_dropped: 2, tx_bytes: 648, tx_packets: 8, tx_errors: 3, tx_dropped: 4 },
  });
});
