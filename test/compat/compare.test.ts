// Unit tests of the pure parts of the differential harness (no engines needed): normalisation,
// shape comparison, stream demultiplexing, doc-example parsing, allowlist matching.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge, parseAllowlist } from './allowlist.js';
import { compareAnswers, compareCli, demux, diffShape, normaliseCli, normaliseText, valuesAt, type Observed } from './compare.js';
import { parseDocExamples } from './doc-examples.js';
import { fold } from './report.js';

const json = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json', 'api-version': '1.41', server: 'x' }): Observed =>
  ({ status, headers, body: Buffer.from(JSON.stringify(body)), cut: false });

test('IDs, digests, times and durations are normalised', () => {
  const id = 'a'.repeat(64);
  assert.equal(normaliseText(`No such container: ${id} sha256:${id} ${id.slice(0, 12)} 2024-01-02T03:04:05.123456789Z`),
    'No such container: <id> sha256:<id> <id12> <time>');
  assert.equal(normaliseCli('cx-run   Up 3 seconds   \ncx-x  Exited (3) Less than a second ago'), 'cx-run  Up <dur>\ncx-x  Exited (3) <dur> ago');
});

test('shape: missing keys per side, type changes, array elements, empty arrays', () => {
  assert.deepEqual(diffShape({ a: 1, b: 'x' }, { a: 2, c: null }), ['body: keys only in berthd: b', 'body: keys only in dockerd: c']);
  assert.deepEqual(diffShape({ a: [] }, { a: null }), ['a: berthd empty array / dockerd null']);
  assert.deepEqual(diffShape([{ x: 1 }, { x: 2 }], [{ x: 1, y: 1 }, { x: 'a', y: 1 }]), ['[]: keys only in dockerd: y', '[].x: berthd number / dockerd string']);
  assert.deepEqual(diffShape({ n: 1, s: 'a' }, { n: 99, s: 'b' }), [], 'values are not shape');
});

test('valuesAt walks objects and every array element', () => {
  assert.deepEqual(valuesAt([{ Names: ['/a'] }, { Names: ['/b'] }], '[].Names'), [['/a'], ['/b']]);
  assert.deepEqual(valuesAt({ State: { Status: 'running' } }, 'State.Status'), ['running']);
  assert.deepEqual(valuesAt({}, 'State.Status'), []);
});

test('answers: status, headers, error messages with IDs normalised', () => {
  const a = json(404, { message: `No such container: ${'b'.repeat(64)}` });
  const b = json(404, { message: `No such container: ${'c'.repeat(64)}` });
  assert.deepEqual(compareAnswers(a, b), []);
  const c = json(500, { message: 'boom' }, { 'content-type': 'text/plain' });
  assert.deepEqual(compareAnswers(a, c), [
    'status: berthd 404 / dockerd 500',
    'header content-type: berthd application/json / dockerd text/plain',
    'header api-version: berthd 1.41 / dockerd (none)',
    'header server: berthd x / dockerd (none)',
    'value message: berthd "No such container: <id>" / dockerd "boom"',
  ]);
});

test('a value path present on one side only is left to the key difference', () => {
  assert.deepEqual(compareAnswers(json(200, { A: 1 }), json(200, { A: 1, B: 2 }), { values: ['B'] }), ['body: keys only in dockerd: B']);
});

test('multiplexed streams compare per stream, whatever the frame order', () => {
  const frame = (id: number, s: string): string => String.fromCharCode(id, 0, 0, 0, 0, 0, 0, s.length) + s;
  assert.equal(demux(frame(1, 'out\n') + frame(2, 'err\n')), demux(frame(2, 'err\n') + frame(1, 'out\n')));
  assert.equal(demux('plain text'), 'plain text');
  const raw = (s: string): Observed => ({ status: 101, headers: {}, body: Buffer.from(s, 'latin1'), cut: false });
  assert.deepEqual(compareAnswers(raw(frame(1, 'a') + frame(2, 'b')), raw(frame(2, 'b') + frame(1, 'a')), { text: 'equal' }), []);
});

test('a cut stream compares only whether there is a body', () => {
  const a: Observed = { status: 200, headers: {}, body: Buffer.from('x'), cut: true };
  const b: Observed = { status: 200, headers: {}, body: Buffer.from('yy'), cut: true };
  assert.deepEqual(compareAnswers(a, b), []);
});

test('CLI: exit code and the first differing line', () => {
  const r = (code: number, stdout: string) => ({ code, stdout, stderr: '', cut: false });
  assert.deepEqual(compareCli(r(0, 'a\nb\nc'), r(1, 'a\nB\nc')), ['exit code: berthd 0 / dockerd 1', 'stdout: line 2: berthd "b" / dockerd "B"']);
  assert.deepEqual(compareCli(r(0, 'PID 123'), r(0, 'PID 456'), { numbers: true }), []);
});

test('doc examples: request line, headers, JSON body', () => {
  const md = [
    '**Example request**:', '', '    POST /v1.24/containers/create HTTP/1.1', '    Content-Type: application/json', '',
    '    {', '         "Image": "ubuntu"', '    }', '', '**Example response**:', '', '    HTTP/1.1 201 Created',
  ].join('\n');
  const [ex] = parseDocExamples(md, '1.24');
  assert.deepEqual(ex, { version: '1.24', method: 'POST', path: '/containers/create', headers: { 'Content-Type': 'application/json' }, body: { Image: 'ubuntu' }, line: 3 });
});

test('allowlist: route, name, versions and text; unused entries are listed', () => {
  const entries = parseAllowlist(JSON.stringify({ entries: [
    { route: 'GET /info', match: '^Warnings', reason: 'r1' },
    { route: '*', name: '^bad', versions: ['1.12'], match: 'status', reason: 'r2' },
    { route: 'GET /never', match: '.', reason: 'r3' },
  ] }));
  const j = judge([
    { route: 'GET /info', name: 'info', version: '', text: 'Warnings: x' },
    { route: 'POST /x', name: 'bad JSON', version: '1.12', text: 'status: 1 / 2' },
    { route: 'POST /x', name: 'bad JSON', version: '1.41', text: 'status: 1 / 2' },
  ], entries);
  assert.deepEqual(j.allowed.map((d) => d.reason), ['r1', 'r2']);
  assert.deepEqual(j.open.map((d) => d.version), ['1.41']);
  assert.deepEqual(j.unused.map((e) => e.reason), ['r3']);
  assert.throws(() => parseAllowlist(JSON.stringify({ entries: [{ route: 'x', match: 'y' }] })), /reason/);
});

test('report folds one difference seen at several versions into one line', () => {
  const f = fold([
    { route: 'GET /info', name: 'info', version: '1.12', text: 't' },
    { route: 'GET /info', name: 'info', version: '1.18', text: 't' },
  ]);
  assert.deepEqual(f.map((x) => x.versions), [['1.12', '1.18']]);
});
