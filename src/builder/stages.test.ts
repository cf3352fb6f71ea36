import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from './dockerfile-parser.js';
import { envMap } from './shell-lex.js';
import { neededStages, splitStages } from './stages.js';

const plan = (text: string): ReturnType<typeof splitStages> => splitStages(parseDockerfile(text).instructions);

test('ARGs before FROM are meta args; stages get names', () => {
  const p = plan('ARG V=1\nFROM busybox AS Base\nRUN x\nFROM base\n');
  assert.equal(p.metaArgs.length, 1);
  assert.deepEqual(p.stages.map((s) => [s.name, s.base, s.commands.length]), [['base', 'busybox', 1], ['', 'base', 0]]);
});

test('the target needs its FROM parents and COPY --from sources only', () => {
  const p = plan([
    'FROM busybox AS a', 'RUN a',
    'FROM busybox AS b', 'RUN b',
    'FROM a AS c', 'COPY --from=1 /x /x',
    'FROM busybox AS d', 'COPY --from=c /x /x',
  ].join('\n'));
  assert.deepEqual(neededStages(p, undefined, envMap()), [0, 1, 2, 3]);
  assert.deepEqual(neededStages(p, 'c', envMap()), [0, 1, 2]);
  assert.deepEqual(neededStages(p, 'a', envMap()), [0]);
  assert.throws(() => neededStages(p, 'zz', envMap()), /failed to reach build target zz in Dockerfile/);
});

test('an instruction before the first FROM other than ARG is refused', () => {
  assert.throws(() => plan('RUN x\nFROM busybox\n'), /no build stage in current context/);
  assert.throws(() => plan('FROM a AS x\nFROM b AS x\n'), /duplicate name x/);
});
