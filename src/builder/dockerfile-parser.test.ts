import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from './dockerfile-parser.js';

test('comments, continuations and forms', () => {
  const df = parseDockerfile([
    '# syntax=docker/dockerfile:1',
    '# a comment',
    'FROM busybox AS base',
    'RUN echo a \\',
    '# inside',
    '',
    '    && echo b',
    'CMD ["sh", "-c", "echo hi"]',
    'COPY --from=base --chown=1:2 /a /b',
    'onbuild run echo trig',
  ].join('\n'));
  assert.equal(df.escape, '\\');
  const [from, run, cmd, copy, onbuild] = df.instructions;
  assert.equal(df.instructions.length, 5);
  assert.equal(from?.cmd, 'from');
  assert.equal(from?.rest, 'busybox AS base');
  assert.equal(from?.line, 3);
  assert.equal(run?.original, 'RUN echo a     && echo b');
  assert.equal(run?.line, 4);
  assert.equal(run?.json, undefined);
  assert.deepEqual(cmd?.json, ['sh', '-c', 'echo hi']);
  assert.equal(copy?.flags.get('from'), 'base');
  assert.equal(copy?.flags.get('chown'), '1:2');
  assert.equal(copy?.rest, '/a /b');
  assert.equal(onbuild?.inner?.cmd, 'run');
  assert.equal(onbuild?.inner?.rest, 'echo trig');
});

test('the escape directive', () => {
  const df = parseDockerfile('# escape=`\nFROM scratch\nRUN dir c:\\ `\n  && echo x\n');
  assert.equal(df.escape, '`');
  assert.equal(df.instructions[1]?.original, 'RUN dir c:\\   && echo x');
});

test('a directive after an instruction is a comment', () => {
  const df = parseDockerfile('FROM scratch\n# escape=`\nCMD a \\\n b');
  assert.equal(df.escape, '\\');
  assert.equal(df.instructions[1]?.original, 'CMD a  b');
});

test('an unknown instruction names its line', () => {
  assert.throws(() => parseDockerfile('FROM scratch\n\nFOO bar\n'), /dockerfile parse error line 3: unknown instruction: FOO/);
});
