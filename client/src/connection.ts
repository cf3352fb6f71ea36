// Where the engine is: a unix socket or a TCP host (optionally TLS), from explicit options or from
// the environment the way the docker CLI reads it (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
// DOCKER_API_VERSION).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Verify the server's certificate against `ca` (default true). */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface ConnectionOptions {
  /** A unix socket path (`/var/run/docker.sock`). */
  socketPath?: string;
  /** `unix:///path`, `tcp://host:port`, `http://host:port` or `https://host:port`. */
  host?: string;
  /** TLS for a TCP host; with it `tcp://` means https. */
  tls?: TlsOptions;
  /** Environment to read when neither socketPath nor host is given (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export type Endpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; hostname: string; port: number; tls?: TlsOptions };

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Resolves options (or the environment) to one endpoint. */
export function resolveEndpoint(options: ConnectionOptions): Endpoint {
  if (options.socketPath) return { kind: 'unix', socketPath: options.socketPath };
  if (options.host) return parseHost(options.host, options.tls);
  const env = options.env ?? process.env;
  const host = env.DOCKER_HOST;
  if (!host) return { kind: 'unix', socketPath: DEFAULT_SOCKET };
  const tls = env.DOCKER_TLS_VERIFY ? tlsFromCertPath(env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker')) : undefined;
  return parseHost(host, tls);
}

/** DOCKER_API_VERSION, when set. */
export function versionFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.DOCKER_API_VERSION || undefined;
}

export function tlsFromCertPath(dir: string): TlsOptions {
  const read = (name: string): Buffer => fs.readFileSync(path.join(dir, name));
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

export function parseHost(host: string, tls?: TlsOptions): Endpoint {
  const m = /^([a-z]+):\/\/(.*)$/.exec(host);
  if (!m) throw new Error(`unsupported Docker host: ${host}`);
  const [, scheme, rest] = m as unknown as [string, string, string];
  if (scheme === 'unix') return { kind: 'unix', socketPath: rest };
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') throw new Error(`unsupported Docker host scheme: ${scheme}`);
  const secure = scheme === 'https' || (scheme === 'tcp' && tls !== undefined);
  const url = new URL(`http://${rest}`);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : secure ? 2376 : 2375;
  return secure ? { kind: 'tcp', hostname, port, tls: tls ?? {} } : { kind: 'tcp', hostname, port };
}
