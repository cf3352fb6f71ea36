import assert from 'node:assert/strict';
import test from 'node:test';
import { checkAuthConfig } from './routes.js';

test('POST /auth bodies that Go could not decode into an AuthConfig are 400s, before any registry is reached', () => {
  assert.throws(() => checkAuthConfig([1, 2]), /cannot unmarshal array into Go value of type registry.AuthConfig/);
  assert.throws(() => checkAuthConfig('x'), /cannot unmarshal string into Go value/);
  assert.throws(() => checkAuthConfig(5), /cannot unmarshal number into Go value/);
  assert.throws(() => checkAuthConfig({ username: 5 }), /Go struct field AuthConfig.username of type string/);
  assert.throws(() => checkAuthConfig({ Password: { a: 1 } }), /AuthConfig.password of type string/);
  assert.doesNotThrow(() => checkAuthConfig({ username: 'u', password: 'p', serveraddress: '127.0.0.1:5000', extra: [1] }));
});
