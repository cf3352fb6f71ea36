// The client over TCP with mutual TLS, as DOCKER_TLS_VERIFY=1 sets it up: a test CA, a server
// certificate for 127.0.0.1 and a client certificate made with openssl.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, DockerClient } from './index.js';

const openssl = spawnSync('openssl', ['version']).status === 0;

function sh(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function makeCerts(dir: string): void {
  sh(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca']);
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
    sh(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    sh(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`]);
  }
  // The docker CLI's names in DOCKER_CERT_PATH.
  fs.copyFileSync(path.join(dir, 'client.pem'), path.join(dir, 'cert.pem'));
  fs.copyFileSync(path.join(dir, 'client-key.pem'), path.join(dir, 'key.pem'));
}

describe('TLS', { skip: !openssl && 'needs openssl' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-client-tls-'));
  let server: https.Server;
  let port = 0;
  const peers: string[] = [];

  before(async () => {
    makeCerts(dir);
    const read = (f: string): Buffer => fs.readFileSync(path.join(dir, f));
    server = https.createServer({ key: read('server-key.pem'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      peers.push(String((req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN));
      res.setHeader('Api-Version', '1.47');
      if (req.url!.endsWith('/_ping')) { res.end('OK'); return; }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ ApiVersion: '1.47', Version: 'tls-test' }));
    });
    server.on('upgrade', (_req, socket: Socket) => {
      socket.end('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nover tls\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('tcp:// with { ca, cert, key } speaks https with a client certificate; negotiation and hijack work over it', async () => {
    const read = (f: string): Buffer => fs.readFileSync(path.join(dir, f));
    const client = new DockerClient({ host: `tcp://127.0.0.1:${port}`, tls: { ca: read('ca.pem'), cert: read('client.pem'), key: read('client-key.pem') } });
    assert.equal(await client.apiVersion(), '1.47');
    assert.equal((await client.systemVersion()).Version, 'tls-test');
    assert.equal(peers.at(-1), 'client');
    const exec = await client.execStart({ id: 'x', body: { Tty: true } });
    assert.equal((await collect(exec)).stdout, 'over tls\n');
    client.close();
  });

  test('DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH; an untrusted server is refused', async () => {
    const client = new DockerClient({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir } });
    assert.equal(await client.systemPing(), 'OK');
    client.close();
    const untrusting = new DockerClient({ host: `tcp://127.0.0.1:${port}`, tls: { cert: fs.readFileSync(path.join(dir, 'cert.pem')), key: fs.readFileSync(path.join(dir, 'key.pem')) } });
    await assert.rejects(untrusting.systemPing(), /self[- ]signed|unable to verify|certificate/i);
    untrusting.close();
  });
});
