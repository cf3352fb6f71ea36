import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkEnv, linkHostsLine, parseLink } from './links.js';

const db = { name: 'db', hostname: 'abc123', ip: '10.0.0.5', env: ['PATH=/bin', 'PASSWORD=x'], exposed: ['5432/tcp'] };

test('links parse in the CLI and stored forms', () => {
  assert.deepEqual(parseLink('db:database'), { name: 'db', alias: 'database' });
  assert.deepEqual(parseLink('/db:/web/database'), { name: 'db', alias: 'database' });
  assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
});

test('hosts line and environment as dockerd writes them', () => {
  assert.equal(linkHostsLine('database', db), '10.0.0.5\tdatabase abc123 db');
  assert.equal(linkHostsLine('db', db), '10.0.0.5\tdb abc123');
  assert.deepEqual(linkEnv('web', 'my-db', db), [
    'MY_DB_NAME=/web/my-db', 'MY_DB_PORT=tcp://10.0.0.5:5432', 'MY_DB_PORT_5432_TCP=tcp://10.0.0.5:5432',
    'MY_DB_PORT_5432_TCP_ADDR=10.0.0.5', 'MY_DB_PORT_5432_TCP_PORT=5432', 'MY_DB_PORT_5432_TCP_PROTO=tcp', 'MY_DB_ENV_PASSWORD=x',
  ]);
});
