import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTcpAuth, serverTlsOptions, tlsMode } from './tls.js';

const files = { tlsCaCert: '/nonexistent/ca.pem', tlsCert: '/nonexistent/cert.pem', tlsKey: '/nonexistent/key.pem' };

test('--tlsverify implies --tls; --tls alone does not verify', () => {
  assert.deepEqual(tlsMode({ ...files }), { enabled: false, verify: false });
  assert.deepEqual(tlsMode({ ...files, tls: true }), { enabled: true, verify: false });
  assert.deepEqual(tlsMode({ ...files, tlsVerify: true }), { enabled: true, verify: true });
  assert.deepEqual(tlsMode({ ...files, tls: false, tlsVerify: true }), { enabled: true, verify: true });
  assert.equal(serverTlsOptions({ ...files }), undefined);
  assert.throws(() => serverTlsOptions({ ...files, tlsVerify: true }), /could not load X509 key pair: certificate \/nonexistent\/cert.pem/);
});

test('an open TCP port beyond loopback is refused unless explicitly allowed; always warned', () => {
  const warnings: string[] = [];
  const warn = (m: string): void => { warnings.push(m); };
  assert.throws(() => checkTcpAuth('0.0.0.0:2375', { ...files }, warn), /refusing to listen on tcp:\/\/0.0.0.0:2375 without TLS.*'--tls=false'/);
  assert.throws(() => checkTcpAuth('10.1.2.3:2375', { ...files }, warn), /refusing/);
  checkTcpAuth(':2375', { ...files }, warn);
  assert.match(warnings[0]!, /Binding to IP address without --tlsverify is insecure/);
  checkTcpAuth('127.0.0.1:2375', { ...files }, warn);
  checkTcpAuth('[::1]:2375', { ...files }, warn);
  checkTcpAuth('localhost:2375', { ...files }, warn);
  checkTcpAuth('0.0.0.0:2375', { ...files, tls: false }, warn);
  checkTcpAuth('0.0.0.0:2375', { ...files, tlsVerify: false }, warn);
  const before = warnings.length;
  checkTcpAuth('0.0.0.0:2376', { ...files, tlsVerify: true }, warn);
  assert.equal(warnings.length, before, 'no warning with client authentication');
});
