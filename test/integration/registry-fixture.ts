// A private registry for the tests: Debian's docker-registry (distribution 2.x) on 127.0.0.1 at a
// free port, with its own config and storage in a temp dir (never the system service), optionally
// behind htpasswd basic auth.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export const registrySkipReason: string | false = (() => {
  if (!fs.existsSync(REGISTRY_BIN)) return 'needs docker-registry (apt-get install docker-registry)';
  if (spawnSync('sh', ['-c', 'command -v htpasswd']).status !== 0) return 'needs htpasswd (apt-get install apache2-utils)';
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

  constructor(readonly root: string, readonly users?: Record<string, string>) {}

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

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
  }
}
