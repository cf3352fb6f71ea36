import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges, splitWords } from './changes.js';

test('CMD/ENTRYPOINT in JSON and shell form, ENV, LABEL, EXPOSE, WORKDIR, USER, VOLUME', () => {
  const c = applyChanges({ Env: ['PATH=/bin', 'A=1'], WorkingDir: '/app' }, [
    'CMD ["echo","x"]', 'ENTRYPOINT /bin/run it', 'ENV A=2 B="two words"', 'LABEL a=b', 'EXPOSE 80 53/udp',
    'WORKDIR sub', 'USER nobody', 'VOLUME /data',
  ]);
  assert.deepEqual(c.Cmd, ['echo', 'x']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/bin/run it']);
  assert.deepEqual(c.Env, ['PATH=/bin', 'A=2', 'B=two words']);
  assert.deepEqual(c.Labels, { a: 'b' });
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.equal(c.WorkingDir, '/app/sub');
  assert.equal(c.User, 'nobody');
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.deepEqual(applyChanges({}, ['ENV K some value']).Env, ['K=some value']);
});

test('instructions other than dockerd\'s commit set are refused with its message', () => {
  assert.throws(() => applyChanges({}, ['RUN echo']), { name: 'InvalidParameterError', message: 'run is not a valid change command' });
  assert.deepEqual(splitWords(`a "b c" 'd' e\\ f`), ['a', 'b c', 'd', 'e f']);
});
