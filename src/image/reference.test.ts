import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidParameterError } from '../errdefs/errors.js';
import { familiarString, normalizeReference, parseDockerRef, parseNormalizedNamed, parseReference } from './reference.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);

test('normalizes familiar names to canonical references with the default tag', () => {
  const cases: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['user/repo', 'docker.io/user/repo:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox:1', 'docker.io/library/busybox:1'],
    ['localhost:5000/x:tag', 'localhost:5000/x:tag'],
    ['localhost/x', 'localhost/x:latest'],
    ['registry.example.com/a/b', 'registry.example.com/a/b:latest'],
    ['[::1]:5000/a:b', '[::1]:5000/a:b'],
    ['a/b/c/d', 'docker.io/a/b/c/d:latest'],
    ['foo_bar.baz-qux__x', 'docker.io/library/foo_bar.baz-qux__x:latest'],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    [`busybox:1@${DIGEST}`, `docker.io/library/busybox:1@${DIGEST}`],
  ];
  for (const [input, want] of cases) assert.equal(normalizeReference(input), want, input);
});

test('parts of a parsed reference', () => {
  const r = parseNormalizedNamed('localhost:5000/a/b:v1');
  assert.equal(r.domain, 'localhost:5000');
  assert.equal(r.path, 'a/b');
  assert.equal(r.tag, 'v1');
  assert.equal(r.digest, undefined);
  assert.equal(r.name(), 'localhost:5000/a/b');
  assert.equal(parseNormalizedNamed('busybox').tag, undefined);
  assert.equal(parseDockerRef('busybox').tag, 'latest');
});

test('familiar strings for display', () => {
  assert.equal(familiarString('docker.io/library/busybox:latest'), 'busybox:latest');
  assert.equal(familiarString('busybox'), 'busybox');
  assert.equal(familiarString('docker.io/user/repo:1'), 'user/repo:1');
  assert.equal(familiarString('localhost:5000/x:tag'), 'localhost:5000/x:tag');
  assert.equal(familiarString('docker.io/library/a/b:1'), 'library/a/b:1');
  assert.equal(familiarString(parseDockerRef(`busybox@${DIGEST}`)), `busybox@${DIGEST}`);
  assert.equal(parseDockerRef('registry.example.com/a/b').familiarName(), 'registry.example.com/a/b');
});

test('uppercase in the registry is allowed, in the path it is not', () => {
  assert.equal(normalizeReference('Registry.Example.com/a'), 'Registry.Example.com/a:latest');
  assert.equal(normalizeReference('UPPER/a'), 'UPPER/a:latest');
  assert.throws(() => parseNormalizedNamed('Busybox'), {
    name: 'InvalidParameterError',
    message: 'invalid reference format: repository name must be lowercase',
  });
  assert.throws(() => parseNormalizedNamed('user/Repo:tag'), /repository name must be lowercase/);
});

test('invalid references are rejected with dockerd messages', () => {
  const bad = ['', ':tag', 'a:', 'a::b', 'a b', '-a', 'a/', '/a', 'a:tag@', 'a@sha256:zz', 'a:' + 'x'.repeat(129), 'a..b', 'a__-b'];
  for (const s of bad) {
    assert.throws(() => parseNormalizedNamed(s), (err: unknown) => err instanceof InvalidParameterError, JSON.stringify(s));
  }
  assert.throws(() => parseNormalizedNamed('a:b:c'), { message: 'invalid reference format' });
  assert.throws(() => parseReference(''), { message: 'repository name must have at least one component' });
  assert.throws(() => parseNormalizedNamed('a'.repeat(64)), {
    message: `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`,
  });
  assert.throws(() => parseNormalizedNamed('a/' + 'b'.repeat(260)), { message: 'repository name must not be more than 255 characters' });
  assert.throws(() => parseNormalizedNamed('a@sha256:' + 'a'.repeat(40)), { message: 'invalid checksum digest length' });
});
