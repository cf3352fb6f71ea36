// A private registry for the tests: Debian's docker-registry (distribution 2.x) on 127.0.0.1 at a
// free port, with its own config and storage in a temp dir (never the system service), optionally
// behind htpasswd basic auth.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { createHash, createSign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export const registrySkipReason: string | false = (() => {
  if (!fs.existsSync(REGISTRY_BIN)) return 'needs docker-registry (apt-get install docker-registry)';
  if (spawnSync('sh', ['-c', 'command -v htpasswd']).status !== 0) return 'needs htpasswd (apt-get install apache2-utils)';
  if (spawnSync('sh', ['-c', 'command -v openssl']).status !== 0) return 'needs openssl (the token server\'s certificate)';
  return false;
})();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export class LocalRegistry {
  private proc: ChildProcess | undefined;
  port = 0;

  constructor(readonly root: string, readonly users?: Record<string, string>, readonly token?: TokenServer) {}

  /** "127.0.0.1:PORT" */
  get host(): string { return `127.0.0.1:${this.port}`; }

  async start(): Promise<void> {
    fs.mkdirSync(path.join(this.root, 'data'), { recursive: true });
    this.port = await freePort();
    let auth = '';
    if (this.users) {
      const file = path.join(this.root, 'htpasswd');
      const lines = Object.entries(this.users).map(([u, p]) => spawnSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).stdout.trim());
      fs.writeFileSync(file, lines.join('\n') + '\n');
      auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${file}\n`;
    }
    if (this.token) {
      auth = `auth:\n  token:\n    realm: ${this.token.realm}\n    service: ${this.token.service}\n    issuer: berth-test-issuer\n    rootcertbundle: ${this.token.certFile}\n`;
    }
    const config = path.join(this.root, 'config.yml');
    fs.writeFileSync(config, [
      'version: 0.1',
      'log:\n  level: warn\n  accesslog:\n    disabled: true',
      `storage:\n  filesystem:\n    rootdirectory: ${path.join(this.root, 'data')}\n  delete:\n    enabled: true`,
      `http:\n  addr: 127.0.0.1:${this.port}`,
      auth,
    ].join('\n'));
    const log = fs.openSync(path.join(this.root, 'registry.log'), 'a');
    this.proc = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', log, log] });
    // never what keeps a test or bench process alive: stop() (or killNow() at exit) ends it
    this.proc.unref();
    fs.closeSync(log);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) break;
      const status = await new Promise<number>((resolve) => {
        const req = http.get(`http://${this.host}/v2/`, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', () => resolve(0));
      });
      if (status === 200 || status === 401) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`registry did not start: ${fs.readFileSync(path.join(this.root, 'registry.log'), 'utf8').slice(-2000)}`);
  }

  /** For process exit handlers: no waiting possible there. */
  killNow(): void {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
  }
}

/**
 * A token server for registry token auth (Docker's distribution/token spec): RS256 JWTs signed with
 * a self-signed certificate (made with openssl) that the registry trusts through its rootcertbundle.
 * Users get pull and push on every repository; anonymous requests get pull only.
 */
export class TokenServer {
  private server: http.Server | undefined;
  port = 0;
  readonly certFile: string;
  private key = '';
  private certDer = '';
  readonly issued: Array<{ account: string; scopes: string[] }> = [];

  constructor(readonly root: string, readonly users: Record<string, string>, readonly service = 'berth-test-registry') {
    this.certFile = path.join(root, 'token-cert.pem');
  }

  get realm(): string { return `http://127.0.0.1:${this.port}/token`; }

  async start(): Promise<void> {
    fs.mkdirSync(this.root, { recursive: true });
    const keyFile = path.join(this.root, 'token-key.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', this.certFile, '-days', '2', '-subj', '/CN=berth-test-token'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
    this.key = fs.readFileSync(keyFile, 'utf8');
    this.certDer = fs.readFileSync(this.certFile, 'utf8').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.realm);
    let account = '';
    const authz = req.headers.authorization;
    if (authz?.startsWith('Basic ')) {
      const [user, pass] = Buffer.from(authz.slice(6), 'base64').toString().split(':');
      if (!user || this.users[user] !== pass) { res.writeHead(401, { 'Content-Type': 'application/json' }); res.end('{"details":"invalid credentials"}'); return; }
      account = user;
    }
    const scopes = url.searchParams.getAll('scope');
    this.issued.push({ account, scopes });
    const access = scopes.map((s) => s.split(':')).filter((p) => p[0] === 'repository' && p.length === 3).map(([type, name, actions]) => ({
      type, name, actions: (actions ?? '').split(',').filter((a) => account !== '' || a === 'pull'),
    }));
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = b64({ alg: 'RS256', typ: 'JWT', x5c: [this.certDer] });
    const body = b64({ iss: 'berth-test-issuer', sub: account, aud: url.searchParams.get('service') ?? '', exp: now + 300, nbf: now - 10, iat: now, jti: String(Math.random()), access });
    const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(this.key).toString('base64url');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token: `${head}.${body}.${sig}`, expires_in: 300, issued_at: new Date().toISOString() }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** `sha256:<hex>` of `b`, as registries name blobs */
export const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Uploads `bytes` as a blob of `repo` through the registry API (monolithic upload); returns its digest. */
export async function putBlob(host: string, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha(bytes);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = new URL(start.headers.get('location')!, `http://${host}`);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201, await put.text());
  return digest;
}
