import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInstruction } from './dockerfile-parser.js';
import { applyMeta, parseDuration, type MetaState } from './instructions.js';
import { envMap } from './shell-lex.js';

const state = (): MetaState => ({ config: { Env: ['PATH=/bin', 'HOME=/root'], Cmd: ['sh'] }, maintainer: '', escape: '\\', cmdSet: false });
const apply = (s: MetaState, line: string, env = envMap(s.config.Env)): string => applyMeta(parseInstruction(line, 1), s, env);

test('ENV and LABEL pairs, quotes, the legacy form and substitution', () => {
  const s = state();
  assert.equal(apply(s, 'ENV A=1 B="two words" C=${HOME}/x'), 'ENV A=1 B=two words C=/root/x');
  assert.equal(apply(s, 'ENV D legacy value'), 'ENV D=legacy value');
  assert.deepEqual(s.config.Env, ['PATH=/bin', 'HOME=/root', 'A=1', 'B=two words', 'C=/root/x', 'D=legacy value']);
  apply(s, 'LABEL "k 1"=v k2=\'$A\'');
  assert.deepEqual(s.config.Labels, { 'k 1': 'v', k2: '$A' });
});

test('WORKDIR is relative to the previous one; EXPOSE ranges; VOLUME forms', () => {
  const s = state();
  apply(s, 'WORKDIR /a');
  assert.equal(apply(s, 'WORKDIR b/../c'), 'WORKDIR /a/c');
  assert.equal(apply(s, 'EXPOSE 80 53/udp 8000-8001'), 'EXPOSE 53/udp 80/tcp 8000/tcp 8001/tcp');
  apply(s, 'VOLUME ["/v1", "/v2"]');
  apply(s, 'VOLUME /v3');
  assert.deepEqual(Object.keys(s.config.Volumes ?? {}), ['/v1', '/v2', '/v3']);
});

test('CMD, ENTRYPOINT (which drops an inherited CMD), SHELL', () => {
  const s = state();
  assert.equal(apply(s, 'ENTRYPOINT ["/bin/tini", "--"]'), 'ENTRYPOINT ["/bin/tini" "--"]');
  assert.equal(s.config.Cmd, null);
  apply(s, 'SHELL ["/bin/bash", "-c"]');
  assert.equal(apply(s, 'CMD echo hi'), 'CMD ["/bin/bash" "-c" "echo hi"]');
  apply(s, 'ENTRYPOINT top');
  assert.deepEqual(s.config.Cmd, ['/bin/bash', '-c', 'echo hi'], 'a CMD of this stage stays');
  assert.throws(() => apply(s, 'SHELL /bin/sh'), /SHELL requires the arguments to be in JSON form/);
});

test('HEALTHCHECK options and NONE', () => {
  const s = state();
  apply(s, 'HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --retries=4 CMD ["curl", "-f", "x"]');
  assert.deepEqual(s.config.Healthcheck, { Test: ['CMD', 'curl', '-f', 'x'], Interval: 90e9, Timeout: 5e8, StartPeriod: 2e9, Retries: 4 });
  apply(s, 'HEALTHCHECK NONE');
  assert.deepEqual(s.config.Healthcheck, { Test: ['NONE'] });
  assert.throws(() => apply(s, 'HEALTHCHECK --bogus=1 CMD x'), /Unknown flag: bogus/);
  assert.equal(parseDuration('1h2m'), 3720e9);
});

test('USER, STOPSIGNAL, ONBUILD, MAINTAINER', () => {
  const s = state();
  apply(s, 'USER app:grp');
  apply(s, 'STOPSIGNAL SIGINT');
  apply(s, 'ONBUILD RUN echo hi');
  apply(s, 'MAINTAINER Jane <j@example.com>');
  assert.equal(s.config.User, 'app:grp');
  assert.equal(s.config.StopSignal, 'SIGINT');
  assert.deepEqual(s.config.OnBuild, ['RUN echo hi']);
  assert.equal(s.maintainer, 'Jane <j@example.com>');
});
