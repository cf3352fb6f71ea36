// The per-request context handed to route handlers: parsed version, params and query, body
// readers, JSON responses, and the hijack that attach/exec use. It hides whether the request came
// through Node's 'request' event (plain HTTP) or its 'upgrade' event (Connection: Upgrade).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { InvalidParameterError } from '../../errdefs/index.js';
import { goAtoi } from '../../internal/go-strconv.js';
import { goDecodeError } from '../../internal/go-json-error.js';

export interface HijackResult {
  /** the raw connection: read stdin from it, write output to it */
  socket: Duplex;
  /** true when the client asked for `Upgrade: tcp` (101), false for the legacy 200 form */
  upgraded: boolean;
}

export class RequestContext {
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
  private readonly abort = new AbortController();
  private hijacked = false;
  private upgradeBodyTaken: Buffer | undefined;
  /**
   * Set by a handler whose errors dockerd writes on the connection it hijacked (attach): the error
   * sink then answers bare, with this Content-Type and the message as text (see sendBare).
   */
  hijackedErrorContentType: string | undefined;

  constructor(
    readonly req: IncomingMessage,
    /** undefined when the request arrived as an HTTP upgrade */
    readonly res: ServerResponse | undefined,
    /** for upgrade requests: the raw socket and the bytes already read past the headers */
    private readonly upgrade: { socket: Duplex; head: Buffer } | undefined,
    readonly version: string,
    readonly params: Record<string, string>,
    rawQuery: string,
    readonly baseHeaders: Record<string, string>,
  ) {
    this.query = new URLSearchParams(rawQuery);
    this.signal = this.abort.signal;
    // The signal fires when the client goes away before the response is complete. Listen on the
    // response, not the socket: a keep-alive socket serves many requests, and a listener per request
    // on it would pile up (with its context) until the connection closes.
    const onClose = (): void => this.abort.abort();
    if (upgrade) upgrade.socket.once('close', onClose);
    res?.once('close', () => { if (!res.writableFinished) onClose(); });
  }

  get headersSent(): boolean {
    return this.hijacked || (this.res?.headersSent ?? false);
  }

  /** Parameter helpers with dockerd's parsing rules. */
  bool(name: string, fallback = false): boolean {
    const v = this.query.get(name);
    if (v === null) return fallback;
    const s = v.trim().toLowerCase();
    return !(s === '' || s === '0' || s === 'no' || s === 'false' || s === 'none');
  }

  int(name: string, fallback?: number): number | undefined {
    const v = this.query.get(name);
    if (v === null || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidParameterError(`invalid value for ${name}: ${v}`);
    return n;
  }

  /** An integer parameter read as dockerd reads it with strconv.Atoi: required, Go's error texts. */
  atoi(name: string): number {
    return goAtoi(this.query.get(name) ?? '');
  }

  string(name: string): string | undefined {
    const v = this.query.get(name);
    return v === null ? undefined : v;
  }

  async body(limit = 64 * 1024 * 1024): Promise<Buffer> {
    if (this.upgrade) return this.upgradeBody(limit);
    // a body announced beyond the limit is refused before a byte of it is read
    if (Number(this.req.headers['content-length'] ?? 0) > limit) throw new InvalidParameterError('request body too large');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new InvalidParameterError('request body too large');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /**
   * An upgrade request's body (e.g. exec start's {"Detach":false}) is not parsed by Node: its
   * Content-Length bytes are the first bytes after the headers. Take exactly those, so that what
   * follows (the client's stdin) stays for the hijacked stream.
   */
  private async upgradeBody(limit: number): Promise<Buffer> {
    if (this.upgradeBodyTaken !== undefined) return this.upgradeBodyTaken;
    const up = this.upgrade!;
    const length = Number(this.req.headers['content-length'] ?? 0);
    if (!Number.isInteger(length) || length <= 0) return Buffer.alloc(0);
    if (length > limit) throw new InvalidParameterError('request body too large');
    while (up.head.length < length) {
      const chunk = await new Promise<Buffer | undefined>((resolve) => {
        const onData = (d: Buffer): void => { cleanup(); up.socket.pause(); resolve(d); };
        const onEnd = (): void => { cleanup(); resolve(undefined); };
        const cleanup = (): void => { up.socket.off('data', onData); up.socket.off('end', onEnd); up.socket.off('close', onEnd); };
        up.socket.on('data', onData);
        up.socket.once('end', onEnd);
        up.socket.once('close', onEnd);
        up.socket.resume();
      });
      if (!chunk) break;
      up.head = Buffer.concat([up.head, chunk]);
    }
    const body = up.head.subarray(0, length);
    up.head = up.head.subarray(length);
    this.upgradeBodyTaken = body;
    return body;
  }

  /** Parses a JSON body; an empty body gives undefined. Malformed JSON or a non-JSON Content-Type is a 400. */
  async json<T>(): Promise<T | undefined> {
    const raw = await this.body();
    if (raw.length === 0 || raw.toString().trim() === '') return undefined;
    // dockerd's CheckForJSON: no Content-Type is fine, any other than application/json is refused.
    const ct = this.req.headers['content-type'];
    if (ct && ct.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      throw new InvalidParameterError(`Content-Type specified (${ct}) must be 'application/json'`);
    }
    const text = raw.toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      // moby 23+'s texts (httputils.ReadJSON, runconfig's loadJSON): Go's decoder error, or
      // content after a well-formed first value
      const goError = goDecodeError(text);
      if (goError === undefined) throw new InvalidParameterError('unexpected content after JSON', { cause: err });
      throw new InvalidParameterError(`invalid JSON: ${goError}`, { cause: err });
    }
  }

  send(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) { this.respond(status, '', headers); return; }
    this.respond(status, JSON.stringify(body) + '\n', { ...headers, 'Content-Type': 'application/json' });
  }

  /** A plain-text response as Go's http.Error writes it: the text plus a newline, never sniffed. */
  sendText(status: number, text: string): void {
    this.respond(status, text + '\n', { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  }

  /**
   * An answer written the way dockerd writes one on a connection it hijacked (attach errors, a
   * websocket request without the upgrade): the status line, the given headers and the payload,
   * without the engine headers (Api-Version, Server, …) its middleware set on the response it bypassed.
   */
  sendBare(status: number, payload: string, headers: Record<string, string> = {}): void {
    this.hijacked = true;
    this.respond(status, payload, { ...headers, Connection: 'close' }, false);
  }

  private respond(status: number, payload: string, headers: Record<string, string>, engineHeaders = true): void {
    const all: Record<string, string> = { ...(engineHeaders ? this.baseHeaders : {}), ...headers };
    if (this.res) {
      this.res.writeHead(status, { ...all, 'Content-Length': String(Buffer.byteLength(payload)) });
      this.res.end(payload);
      return;
    }
    // An upgrade request answered without upgrading: write a plain response on the raw socket.
    const socket = this.upgrade!.socket;
    const lines = [`HTTP/1.1 ${status} ${statusText(status)}`];
    for (const [k, v] of Object.entries(all)) if (k !== 'Connection') lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${Buffer.byteLength(payload)}`, 'Connection: close', '', '');
    socket.end(lines.join('\r\n') + payload);
  }

  json200(body: unknown): void {
    this.send(200, body);
  }

  noContent(status = 204): void {
    this.send(status, undefined);
  }

  /**
   * Starts a streamed (chunked) response. Headers are flushed at once so clients see the status
   * before the first byte of the stream.
   */
  stream(contentType: string, status = 200): ServerResponse {
    if (!this.res) throw new InvalidParameterError('this endpoint cannot be upgraded');
    this.res.writeHead(status, { ...this.baseHeaders, 'Content-Type': contentType });
    this.res.flushHeaders();
    return this.res;
  }

  /**
   * Completes a websocket handshake (RFC 6455, by the `ws` package) on an upgrade request and hands
   * over the connection. A request that is not a websocket upgrade is answered here as dockerd's
   * websocket server answers it (400, bare "not websocket protocol"): the result is then undefined.
   * Like dockerd's, the handshake carries no engine headers. `ws` is loaded on the first websocket
   * (it and the builtins it pulls in cost an idle berthd a few MiB).
   */
  async websocket(): Promise<WebSocket | undefined> {
    const up = this.upgrade;
    if (!up || String(this.req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      this.sendBare(400, 'not websocket protocol');
      return undefined;
    }
    this.hijacked = true;
    const { WebSocketServer } = await import('ws');
    const server = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      // A failed handshake is answered (400) and closed by `ws` without calling back.
      const onClose = (): void => reject(new InvalidParameterError('websocket handshake failed'));
      up.socket.once('close', onClose);
      server.handleUpgrade(this.req, up.socket, up.head, (ws) => {
        up.socket.off('close', onClose);
        resolve(ws);
      });
    });
  }

  /**
   * Takes over the connection for a bidirectional raw stream (attach, exec start). A request body
   * the handler did not read (dockerode sends its attach options as one) is dropped, not taken for
   * stdin: dockerd never passes it on either. `engineHeaders`: whether the answer carries the
   * engine headers (Api-Version, Server, …): dockerd's exec start copies them, its attach does not.
   */
  async hijack(contentType: string, engineHeaders: boolean): Promise<HijackResult> {
    if (this.upgrade) await this.upgradeBody(64 * 1024 * 1024);
    this.hijacked = true;
    const headerLines = (first: string, extra: string[]): string => {
      const lines = [first, `Content-Type: ${contentType}`, ...extra];
      if (engineHeaders) for (const [k, v] of Object.entries(this.baseHeaders)) lines.push(`${k}: ${v}`);
      return lines.join('\r\n') + '\r\n\r\n';
    };
    if (this.upgrade) {
      const { socket, head } = this.upgrade;
      socket.write(headerLines('HTTP/1.1 101 UPGRADED', ['Connection: Upgrade', 'Upgrade: tcp']));
      if (head.length) socket.unshift(head);
      return { socket, upgraded: true };
    }
    // Legacy form: answer 200 and keep the connection as a raw stream. Detach it from Node's HTTP
    // parser so that bytes the client sends afterwards (stdin) reach us instead of the parser.
    const socket = this.req.socket;
    const res = this.res!;
    res.detachSocket(socket);
    const parserHolder = socket as unknown as { parser?: { unconsume?: () => void; finish?: () => void } | null };
    parserHolder.parser?.unconsume?.();
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    parserHolder.parser = null;
    socket.write(headerLines('HTTP/1.1 200 OK', ['Connection: close']));
    socket.resume();
    return { socket, upgraded: false };
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request',
    401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error',
    501: 'Not Implemented', 503: 'Service Unavailable',
  };
  return texts[status] ?? 'Unknown';
}
