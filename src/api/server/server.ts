// The HTTP API server: listeners (unix and tcp), routing with and without the /vX.Y prefix,
// the version check, the standard response headers, and the error sink.
import http from 'node:http';
import https from 'node:https';
import type { TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import fs from 'node:fs';
import net from 'node:net';
import findMyWay from 'find-my-way';
import { NotFoundError } from '../../errdefs/index.js';
import { MAX_API_VERSION, MIN_API_VERSION, versionLt } from '../../internal/version.js';
import { RequestContext } from './context.js';
import { writeError } from './error-sink.js';
import type { Route, Router } from './route.js';
import { checkVersion, splitVersion } from './version-middleware.js';
import { tlsFront } from './tls-front.js';

export interface ServerOptions {
  serverVersion: string;
  experimental?: boolean;
  log?: (msg: string) => void;
}

export interface ListenAddress {
  proto: 'unix' | 'tcp';
  /** socket path for unix; host:port for tcp */
  addr: string;
}

export function parseHost(host: string): ListenAddress {
  if (host.startsWith('unix://')) return { proto: 'unix', addr: host.slice('unix://'.length) || '/var/run/berth.sock' };
  if (host.startsWith('tcp://')) return { proto: 'tcp', addr: host.slice('tcp://'.length) };
  if (host.startsWith('fd://')) throw new Error(`unsupported host ${host}: socket activation is not supported`);
  if (host.startsWith('/')) return { proto: 'unix', addr: host };
  throw new Error(`invalid host ${host}: expected unix://PATH or tcp://HOST:PORT`);
}

export class ApiServer {
  private readonly router = findMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
  private readonly servers: (http.Server | https.Server | net.Server)[] = [];
  /** upgraded (hijacked) connections: Node's server no longer tracks them */
  private readonly hijacked = new Set<Duplex>();
  private readonly log: (msg: string) => void;
  readonly baseHeaders: Record<string, string>;

  constructor(routers: Router[], private readonly options: ServerOptions) {
    this.log = options.log ?? ((m) => process.stderr.write(m + '\n'));
    this.baseHeaders = {
      'Api-Version': MAX_API_VERSION,
      'Docker-Experimental': String(options.experimental ?? false),
      Ostype: 'linux',
      Server: `Berth/${options.serverVersion} (linux)`,
    };
    for (const r of routers) for (const route of r.routes()) this.add(route);
  }

  private add(route: Route): void {
    this.router.on(route.method, route.path, () => undefined, route);
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q >= 0 ? url.slice(0, q) : url;
    const rawQuery = q >= 0 ? url.slice(q + 1) : '';
    const { version, path } = splitVersion(pathname);
    const found = this.router.find(req.method as 'GET', path);
    const route = found?.store as Route | undefined;
    const admitted = this.admit(route, version);
    const ctx = new RequestContext(req, res, upgrade, version, (found?.params ?? {}) as Record<string, string>, rawQuery, admitted.headers);
    const run = async (): Promise<void> => {
      if (admitted.error) throw admitted.error;
      await route!.handler(ctx);
    };
    run().catch((err: unknown) => {
      try {
        writeError(ctx, err, this.log);
      } catch (e) {
        this.log(`failed to write error response: ${String(e)}`);
      }
    });
  }

  /**
   * Which headers a request's answer carries, and the error that refuses it. dockerd's 404 handler
   * sits outside its middlewares (no Server/Api-Version/Ostype/Docker-Experimental); its version
   * middleware sets Server, Api-Version and Ostype before checking the version, and the
   * experimental middleware inside it never runs for a refused version. A route outside its
   * version gate (dockerd has none) answers "page not found" after the version middleware ran,
   * so with the usual headers.
   */
  private admit(route: Route | undefined, version: string): { headers: Record<string, string>; error?: Error } {
    const notFound = (): { headers: Record<string, string>; error: Error } => ({ headers: {}, error: new NotFoundError('page not found') });
    if (!route) return notFound();
    try {
      checkVersion(version, MIN_API_VERSION, MAX_API_VERSION);
    } catch (err) {
      const { 'Docker-Experimental': _experimental, ...headers } = this.baseHeaders;
      return { headers, error: err as Error };
    }
    const gated = (route.minVersion && versionLt(version, route.minVersion)) || (route.maxVersion && !route.handlesLaterVersions && versionLt(route.maxVersion, version));
    return gated ? { headers: this.baseHeaders, error: new NotFoundError('page not found') } : { headers: this.baseHeaders };
  }

  private createServer(tlsOptions?: TlsOptions): http.Server | https.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.dispatch(req, res);
    const server = tlsOptions ? https.createServer({ ...tlsOptions, keepAlive: true }, handler) : http.createServer({ keepAlive: true }, handler);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.hijacked.add(socket);
      socket.once('close', () => this.hijacked.delete(socket));
      this.dispatch(req, undefined, { socket, head });
    });
    server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
      void err;
    });
    server.keepAliveTimeout = 0; // idle keep-alive connections stay open, as with Go's server
    server.headersTimeout = 0;
    server.requestTimeout = 0;
    return server;
  }

  /** `tls`: serve TLS on a tcp address (src/config/tls.ts builds the options). */
  async listen(address: ListenAddress, group?: { gid: number }, tls?: TlsOptions): Promise<void> {
    const server = this.createServer(address.proto === 'tcp' ? tls : undefined);
    if (address.proto === 'unix') {
      await removeStaleSocket(address.addr);
      await listenUnixAtomically(server, address.addr, group);
    } else {
      const idx = address.addr.lastIndexOf(':');
      const host = address.addr.slice(0, idx) || '127.0.0.1';
      const port = Number(address.addr.slice(idx + 1));
      const listener = server instanceof https.Server ? tlsFront(server) : server;
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
      });
      if (listener !== server) this.servers.push(listener);
    }
    this.servers.push(server);
  }

  /** Stops accepting, closes every connection (hijacked ones too) and resolves when all are gone. */
  async close(): Promise<void> {
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      if ('closeAllConnections' in s) s.closeAllConnections();
    })));
    for (const socket of this.hijacked) socket.destroy();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
  }
}

/**
 * The socket appears at its path only once it has its final mode (0660) and group: it is bound at a
 * temporary name under a restrictive umask, then renamed into place.
 */
async function listenUnixAtomically(server: net.Server, socketPath: string, group: { gid: number } | undefined): Promise<void> {
  const tmp = `${socketPath}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(tmp, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  try {
    fs.chmodSync(tmp, 0o660);
    if (group) fs.chownSync(tmp, 0, group.gid);
    fs.renameSync(tmp, socketPath);
  } catch (err) {
    server.close();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** A socket file left by a crashed daemon is removed; one that still answers is an error. */
export async function removeStaleSocket(path: string): Promise<void> {
  if (!fs.existsSync(path)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`${path} is in use by another daemon`);
  fs.unlinkSync(path);
}
