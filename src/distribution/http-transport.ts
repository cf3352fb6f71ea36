// HTTP(S) requests to registries with node:http (bodies stream both ways; nothing is buffered
// unless asked), keep-alive agents per TLS setting, and redirects followed for blob downloads
// (storage backends redirect GETs; credentials are not carried to another host).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tls from 'node:tls';

export interface TlsSettings {
  /** false for insecure registries reached over HTTPS (dockerd sets InsecureSkipVerify) */
  verify: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
}

export interface RequestOptions {
  method: string;
  headers?: Record<string, string>;
  /** a Buffer, or a factory for a stream (called once per attempt) */
  body?: Buffer | (() => Readable);
  signal?: AbortSignal;
  tls?: TlsSettings;
  followRedirects?: boolean;
}

export interface Response {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  url: URL;
  body: http.IncomingMessage;
}

const agents = new Map<string, http.Agent>();

function agentFor(url: URL, settings: TlsSettings | undefined): http.Agent {
  const key = url.protocol === 'https:' ? `https:${settings?.verify ?? true}:${settings?.ca?.length ?? 0}:${settings?.cert ?? ''}` : 'http';
  let agent = agents.get(key);
  if (!agent) {
    agent = url.protocol === 'https:'
      ? new https.Agent({
        keepAlive: true,
        rejectUnauthorized: settings?.verify ?? true,
        ...(settings?.ca?.length ? { ca: [...tls.rootCertificates, ...settings.ca] } : {}),
        ...(settings?.cert ? { cert: settings.cert } : {}),
        ...(settings?.key ? { key: settings.key } : {}),
      })
      : new http.Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

/** Reads /etc/docker/certs.d/<host>/ style directories: *.crt are CAs, *.cert + *.key a client pair. */
export function loadCerts(dirs: string[], hostPort: string): Pick<TlsSettings, 'ca' | 'cert' | 'key'> {
  const out: Pick<TlsSettings, 'ca' | 'cert' | 'key'> = {};
  for (const base of dirs) {
    const dir = path.join(base, hostPort.replace(/:/g, ':'));
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { continue; }
    for (const name of names.sort()) {
      const file = path.join(dir, name);
      if (name.endsWith('.crt')) (out.ca ??= []).push(fs.readFileSync(file, 'utf8'));
      else if (name.endsWith('.cert')) {
        const keyFile = file.slice(0, -'.cert'.length) + '.key';
        if (fs.existsSync(keyFile)) { out.cert = fs.readFileSync(file, 'utf8'); out.key = fs.readFileSync(keyFile, 'utf8'); }
      }
    }
  }
  return out;
}

function once(url: URL, options: RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'berthd (registry client)', ...options.headers };
    const body = options.body;
    if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
    const req = mod.request(url, { method: options.method, headers, agent: agentFor(url, options.tls), ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, url, body: res });
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      const src = body();
      src.on('error', (err) => req.destroy(err));
      src.pipe(req);
    }
  });
}

export async function request(url: URL, options: RequestOptions): Promise<Response> {
  let current = url;
  let opts = options;
  for (let hops = 0; ; hops++) {
    const res = await once(current, opts);
    const location = res.headers.location;
    if (!options.followRedirects || ![301, 302, 303, 307, 308].includes(res.status) || !location || hops >= 10) return res;
    res.body.resume();
    const next = new URL(location, current);
    if (next.host !== current.host) {
      const { Authorization: _a, ...rest } = opts.headers ?? {};
      opts = { ...opts, headers: rest };
    }
    current = next;
  }
}

export async function readBody(res: Response, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.body as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) { res.body.destroy(); throw new Error(`response from ${res.url.host} too large`); }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Go's url.Error form, as dockerd's messages show transport failures: `Get "http://…": reason`. */
export function goUrlError(method: string, url: URL, reason: string): string {
  const m = method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
  return `${m} "${url.toString()}": ${reason}`;
}
