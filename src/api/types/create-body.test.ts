import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCreateBodyTypes } from './create-body.js';

const messageOf = (body: Record<string, unknown>): string | undefined => {
  try { checkCreateBodyTypes(body); return undefined; } catch (err) { return (err as Error).message; }
};

test('well-typed bodies, nulls and unknown fields pass', () => {
  assert.equal(messageOf({
    Image: 'busybox', Cmd: 'echo hi', Entrypoint: ['sh', '-c'], Env: ['A=1'], Labels: { a: 'b' }, Tty: true, StopTimeout: 3,
    Healthcheck: null, Volumes: { '/data': {} }, Whatever: 5,
    HostConfig: { Memory: 1024, Binds: null, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, Init: null, Unknown: [] },
  }), undefined);
});

test('wrong types give dockerd\'s json unmarshal texts with its field paths', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ Image: 5 }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string'],
    [{ Env: 'A=1' }, 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Env of type []string'],
    [{ Env: [1] }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string'],
    [{ Labels: { a: 1 } }, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Labels of type string'],
    [{ Tty: 'yes' }, 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Tty of type bool'],
    [{ ExposedPorts: [] }, 'json: cannot unmarshal array into Go struct field ContainerConfigWrapper.ExposedPorts of type nat.PortSet'],
    [{ StopTimeout: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field ContainerConfigWrapper.StopTimeout of type int'],
    [{ HostConfig: { Memory: 'x' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64'],
    [{ HostConfig: { Binds: 'x' } }, 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Binds of type []string'],
    [{ HostConfig: { RestartPolicy: { Name: 5 } } }, 'json: cannot unmarshal number into Go struct field RestartPolicy.HostConfig.RestartPolicy.Name of type string'],
    [{ HostConfig: { BlkioWeight: -1 } }, 'json: cannot unmarshal number -1 into Go struct field HostConfig.HostConfig.BlkioWeight of type uint16'],
  ];
  for (const [body, message] of cases) assert.equal(messageOf(body), message, JSON.stringify(body));
});
