// HTTP/1.1 to the engine with Node's own http/https: a keep-alive agent per client, request bodies
// streamed, and the `Upgrade: tcp` hijack that attach and exec start answer with.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Endpoint } from './connection.js';

export type RequestBody = Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  signal?: AbortSignal;
}

export type HijackResult =
  /** 101 Switching Protocols: the raw connection, and the stream bytes that came with the head. */
  | { upgraded: true; socket: Socket; head: Buffer; response: http.IncomingMessage }
  /** Any other answer: an error status, or an engine without Upgrade (legacy 200 stream). */
  | { upgraded: false; response: http.IncomingMessage };

export class Transport {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(private readonly endpoint: Endpoint) {
    this.secure = endpoint.kind === 'tcp' && endpoint.tls !== undefined;
    const base = { keepAlive: true, maxSockets: 64 };
    this.agent = endpoint.kind === 'tcp' && endpoint.tls ? new https.Agent({ ...base, ...endpoint.tls }) : new http.Agent(base);
  }

  request(r: RawRequest): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.send(r, r.headers ?? {});
      req.once('response', resolve);
      req.once('error', reject);
    });
  }

  hijack(r: RawRequest): Promise<HijackResult> {
    return new Promise((resolve, reject) => {
      const req = this.send(r, { ...r.headers, Connection: 'Upgrade', Upgrade: 'tcp' });
      req.once('upgrade', (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
        if (r.signal) {
          const onAbort = (): void => { socket.destroy(); };
          r.signal.addEventListener('abort', onAbort, { once: true });
          socket.once('close', () => r.signal?.removeEventListener('abort', onAbort));
        }
        resolve({ upgraded: true, socket, head, response });
      });
      req.once('response', (response: http.IncomingMessage) => resolve({ upgraded: false, response }));
      req.once('error', reject);
    });
  }

  /** Closes the client's pooled connections, idle or in use (hijacked attach/exec connections are not pooled and stay open). */
  close(): void {
    this.agent.destroy();
  }

  private send(r: RawRequest, headers: Record<string, string>): http.ClientRequest {
    const body = r.body;
    const fixed = typeof body === 'string' ? Buffer.from(body)
      : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined;
    const allHeaders: Record<string, string> = { ...headers };
    if (fixed) allHeaders['Content-Length'] = String(fixed.length);
    const options: http.RequestOptions = {
      method: r.method, path: r.path, headers: allHeaders, agent: this.agent,
      ...(r.signal ? { signal: r.signal } : {}),
      ...(this.endpoint.kind === 'unix'
        ? { socketPath: this.endpoint.socketPath, host: 'localhost' }
        : { host: this.endpoint.hostname, port: this.endpoint.port }),
    };
    const req = this.secure ? https.request(options) : http.request(options);
    if (body === undefined || fixed) {
      req.end(fixed);
    } else {
      const source = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>);
      pipeline(source, req).catch((err: unknown) => { req.destroy(err as Error); });
    }
    return req;
  }
}

/** Reads a whole response body. */
export async function readBody(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
