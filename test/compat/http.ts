// One HTTP exchange over a unix socket with a deadline. Streaming routes (logs with follow, attach,
// exec start) never end by themselves: the deadline cuts them and what arrived so far is the answer,
// so one slow or hanging engine cannot stall the run. Hijacked answers (101) are read the same way.
import http from 'node:http';
import type { Duplex } from 'node:stream';

export interface Exchange {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** sent as is (a string or bytes) */
  body?: string | Buffer;
  timeoutMs: number;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** the deadline cut the body (streams) or the whole exchange (status 0) */
  cut: boolean;
  /** transport error (no status) */
  error?: string;
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function send(socketPath: string, x: Exchange): Promise<Answer> {
  return new Promise((resolve) => {
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let done = false;
    let hijacked: Duplex | undefined;
    const finish = (cut: boolean, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      hijacked?.destroy();
      resolve({ status, headers, body: Buffer.concat(chunks), cut, ...(error ? { error } : {}) });
    };
    const hdrs: Record<string, string> = { ...(x.headers ?? {}) };
    if (x.body !== undefined) hdrs['Content-Length'] = String(Buffer.byteLength(x.body));
    // no keep-alive: each case is independent, and a hijacked socket must not return to a pool
    const req = http.request({ socketPath, method: x.method, path: x.path, headers: hdrs, agent: false });
    const timer = setTimeout(() => finish(true, status ? undefined : 'timeout'), x.timeoutMs);
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      headers = flatHeaders(res.headers);
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(false));
      res.on('error', () => finish(true));
    });
    req.on('upgrade', (res, socket, head) => {
      status = res.statusCode ?? 0;
      headers = flatHeaders(res.headers);
      hijacked = socket;
      if (head.length) chunks.push(head);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => finish(false));
      socket.on('error', () => finish(true));
    });
    req.on('error', (err) => finish(false, status ? undefined : err.message));
    req.end(x.body);
  });
}
