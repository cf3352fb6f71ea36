import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDecodeError, goUnmarshalError } from './go-json-error.js';

test('Go decoder texts for malformed JSON (checked against encoding/json)', () => {
  assert.equal(goDecodeError(''), 'EOF');
  assert.equal(goDecodeError('  \n'), 'EOF');
  assert.equal(goDecodeError('{'), 'unexpected EOF');
  assert.equal(goDecodeError('{"Image": "busybox", '), 'unexpected EOF');
  assert.equal(goDecodeError('{bad'), "invalid character 'b' looking for beginning of object key string");
  assert.equal(goDecodeError('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(goDecodeError('{"a":1 "b"'), "invalid character '\"' after object key:value pair");
  assert.equal(goDecodeError('[1 2]'), "invalid character '2' after array element");
  assert.equal(goDecodeError('x'), "invalid character 'x' looking for beginning of value");
  assert.equal(goDecodeError('{"a":tru}'), "invalid character '}' in literal true (expecting 'e')");
  assert.equal(goDecodeError('{"a":-x}'), "invalid character 'x' in numeric literal");
  assert.equal(goDecodeError('{"a":1.}'), "invalid character '}' after decimal point in numeric literal");
  assert.equal(goDecodeError('{"a":"\\q"}'), "invalid character 'q' in string escape code");
  assert.equal(goDecodeError('{"a":"\n"}'), "invalid character '\\n' in string literal");
  assert.equal(goDecodeError("{'a':1}"), "invalid character '\\'' looking for beginning of object key string");
  assert.equal(goDecodeError('{"a":[1,{"b":null}],"c":-1.5e+3} trailing'), undefined);
});

test('json.Unmarshal texts: end of input and trailing content', () => {
  assert.equal(goUnmarshalError('{bad'), "invalid character 'b' looking for beginning of object key string");
  assert.equal(goUnmarshalError('{"a":['), 'unexpected end of JSON input');
  assert.equal(goUnmarshalError(''), 'unexpected end of JSON input');
  assert.equal(goUnmarshalError('{"a":1} x'), "invalid character 'x' after top-level value");
  assert.equal(goUnmarshalError('12 '), undefined);
  assert.equal(goUnmarshalError('{"a":{"b":true}}'), undefined);
});
