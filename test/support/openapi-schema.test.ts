import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowKey, check, resolve, type ApiSpec, type Schema } from './openapi-schema.js';

const spec: ApiSpec = {
  paths: {},
  definitions: {
    Port: { type: 'object', required: ['PrivatePort'], properties: { PrivatePort: { type: 'integer' }, IP: { type: 'string' } } },
    Base: { type: 'object', properties: { Id: { type: 'string' } }, required: ['Id'] },
    Derived: { allOf: [{ $ref: '#/definitions/Base' }, { type: 'object', properties: { Size: { type: 'integer' }, Ratio: { type: 'number' } } }] },
    Labels: { type: 'object', additionalProperties: { type: 'string' } },
    Free: { type: 'object' },
    Maybe: { type: 'string', 'x-nullable': true },
  },
};
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

test('resolve follows $ref and merges allOf', () => {
  const r = resolve(spec, ref('Derived'));
  assert.deepEqual(Object.keys(r.properties ?? {}), ['Id', 'Size', 'Ratio']);
  assert.deepEqual(r.required, ['Id']);
});

test('a conforming value has no problems', () => {
  assert.deepEqual(check(spec, ref('Derived'), { Id: 'x', Size: 3, Ratio: 0.5 }), []);
  assert.deepEqual(check(spec, ref('Derived'), { Id: 'x', Ratio: 2 }), [], 'an integer is a number');
  assert.deepEqual(check(spec, { type: 'array', items: ref('Port') }, [{ PrivatePort: 80 }]), []);
});

test('missing required keys, wrong types and undefined keys are reported with their path', () => {
  assert.deepEqual(check(spec, ref('Derived'), { Size: '3', Extra: 1 }), [
    { path: 'Id', message: 'required key missing' },
    { path: 'Size', message: 'string, expected integer' },
    { path: 'Extra', message: 'key not defined by this version\'s schema' },
  ]);
  assert.deepEqual(check(spec, { type: 'array', items: ref('Port') }, [{ PrivatePort: 1 }, { PrivatePort: 1.5 }]),
    [{ path: '[1].PrivatePort', message: 'number, expected integer' }]);
});

test('null: fine for arrays, objects and x-nullable; not for scalars', () => {
  assert.deepEqual(check(spec, ref('Labels'), null), []);
  assert.deepEqual(check(spec, ref('Maybe'), null), []);
  assert.deepEqual(check(spec, ref('Port'), { PrivatePort: null }), [{ path: 'PrivatePort', message: 'null, expected integer' }]);
});

test('maps check their values; free-form objects take anything', () => {
  assert.deepEqual(check(spec, ref('Labels'), { a: 'b', c: 1 }), [{ path: 'c', message: 'integer, expected string' }]);
  assert.deepEqual(check(spec, ref('Free'), { anything: [1, { x: null }] }), []);
});

test('an allowlist names locations without array indexes', () => {
  assert.equal(allowKey('Images[3].VirtualSize'), 'Images[].VirtualSize');
  const problems = check(spec, { type: 'array', items: ref('Port') }, [{ PrivatePort: 1, Extra: true }], { '[].Extra': 'sent by dockerd too' });
  assert.deepEqual(problems, []);
});
