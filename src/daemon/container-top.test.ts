import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidParameterError } from '../errdefs/index.js';
import { containerTop, parsePsOutput, validatePsArgs } from './container-top.js';

const PS = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init splash
root         420       1  0 10:01 ?        00:00:00 sh -c sleep 300
root         421     420  0 10:01 ?        00:00:00 sleep 300
`;

test('ps rows are filtered to the container pids; the command keeps its spaces', () => {
  const r = parsePsOutput(PS, [420, 421]);
  assert.deepEqual(r.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(r.Processes, [
    ['root', '420', '1', '0', '10:01', '?', '00:00:00', 'sh -c sleep 300'],
    ['root', '421', '420', '0', '10:01', '?', '00:00:00', 'sleep 300'],
  ]);
});

test('thread rows follow their process', () => {
  const out = 'PID TID CMD\n7 - a\n- 7 -\n8 - b\n- 8 -\n';
  assert.deepEqual(parsePsOutput(out, [7]).Processes, [['7', '-', 'a'], ['-', '7', '-']]);
});

test('ps output without a PID column and renamed PID columns are refused', () => {
  assert.throws(() => parsePsOutput('USER CMD\nroot x\n', [1]), /Couldn't find PID field in ps output/);
  assert.throws(() => validatePsArgs('-o x=PID'), /specifying "x=PID" is not allowed/);
  validatePsArgs('-o pid=PID,comm');
});

test('ps arguments that ps refuses are the client\'s error (400), with ps\'s message', async () => {
  await assert.rejects(containerTop('-zzz', [process.pid]), (err: Error) => err instanceof InvalidParameterError && /^ps: /.test(err.message));
  const ok = await containerTop('-o pid,comm', [process.pid]);
  assert.deepEqual(ok.Titles, ['PID', 'COMMAND']);
  assert.equal(ok.Processes.length, 1);
});
