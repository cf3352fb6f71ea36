import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import {
  ConflictError,
  InvalidParameterError,
  NotFoundError,
  SystemError,
  UnavailableError,
} from '../../errdefs/errors.js';
import { fromGrpcError, grpcCode } from './errors.js';

function grpcError(code: number, details: string): Error & { code: number; details: string } {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details });
}

test('gRPC status codes map to Berth error classes, keeping the gRPC error as cause', () => {
  const cases: Array<[number, new (...args: never[]) => Error]> = [
    [status.NOT_FOUND, NotFoundError],
    [status.ALREADY_EXISTS, ConflictError],
    [status.FAILED_PRECONDITION, ConflictError],
    [status.INVALID_ARGUMENT, InvalidParameterError],
    [status.UNAVAILABLE, UnavailableError],
    [status.UNKNOWN, SystemError],
    [status.DEADLINE_EXCEEDED, SystemError],
    [status.INTERNAL, SystemError],
  ];
  for (const [code, cls] of cases) {
    const original = grpcError(code, 'container "x": not found');
    const mapped = fromGrpcError(original);
    assert.ok(mapped instanceof cls, `${status[code]} → ${cls.name}, got ${mapped.name}`);
    assert.equal(mapped.message, 'container "x": not found');
    assert.equal(mapped.cause, original);
    assert.equal(grpcCode(mapped), code);
  }
});

test('context prefixes the message; already-mapped and non-gRPC errors are handled', () => {
  const mapped = fromGrpcError(grpcError(status.NOT_FOUND, 'nope'), 'content read');
  assert.equal(mapped.message, 'content read: nope');
  assert.equal(fromGrpcError(mapped), mapped);
  const plain = fromGrpcError(new Error('boom'));
  assert.ok(plain instanceof SystemError);
  assert.equal(plain.message, 'boom');
  assert.equal(grpcCode(plain), undefined);
});

test('crun wording is brought to runc\'s, so exit codes 127/126 are chosen as for runc', async () => {
  const { goErrnoSpelling } = await import('./errors.js');
  assert.equal(goErrnoSpelling('OCI runtime exec failed: executable file `nosuchcmd` not found in $PATH: No such file or directory: unknown'),
    'OCI runtime exec failed: exec: "nosuchcmd": executable file not found in $PATH: no such file or directory: unknown');
  assert.equal(goErrnoSpelling('exec `/etc`: Permission denied'), 'exec `/etc`: permission denied');
  assert.equal(goErrnoSpelling('runc create failed: exec: "x": executable file not found in $PATH'), 'runc create failed: exec: "x": executable file not found in $PATH');
});
