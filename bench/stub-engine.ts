// A stub Docker Engine API on a unix socket that answers every call a `docker run`, `docker exec`
// or an API create/start/stop/rm makes at once, without running anything: the docker CLI (or the
// bench's HTTP client) against it costs what the client itself costs — process start, API version
// negotiation, its requests and the hijacked stream — the floor no engine can go below.
// Attached stdin is echoed back as stdout frames, so `docker run -i … cat` through it measures the
// CLI's own stream ceiling.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';

export interface StubEngine { host: string; socket: string; close(): Promise<void> }

const API_VERSION = '1.50';
/** the exit code every stub exec reports (the exec scenario checks for 7) */
export const STUB_EXEC_EXIT = 7;

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': API_VERSION, 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = (req.url ?? '').replace(/^\/v[\d.]+/, '');
  const p = url.split('?')[0]!;
  const id = (): string => crypto.randomBytes(32).toString('hex');
  req.resume();
  if (p === '/_ping') {
    res.writeHead(200, { 'Api-Version': API_VERSION, 'Content-Type': 'text/plain', 'Docker-Experimental': 'false', 'Ostype': 'linux', 'Content-Length': 2 });
    res.end(req.method === 'HEAD' ? undefined : 'OK');
  } else if (req.method === 'POST' && p === '/containers/create') send(res, 201, { Id: id(), Warnings: [] });
  else if (req.method === 'POST' && /^\/containers\/[^/]+\/wait$/.test(p)) send(res, 200, { StatusCode: 0, Error: null });
  else if (req.method === 'POST' && /^\/containers\/[^/]+\/(start|stop|kill|resize)$/.test(p)) send(res, 204);
  else if (req.method === 'POST' && /^\/containers\/[^/]+\/exec$/.test(p)) send(res, 201, { Id: id() });
  else if (req.method === 'POST' && /^\/exec\/[^/]+\/resize$/.test(p)) send(res, 200);
  else if (req.method === 'GET' && /^\/exec\/[^/]+\/json$/.test(p)) {
    send(res, 200, { ID: p.split('/')[2], Running: false, ExitCode: STUB_EXEC_EXIT, Pid: 0, ProcessConfig: {}, OpenStdin: false, OpenStdout: true, OpenStderr: true });
  } else if (req.method === 'GET' && /^\/containers\/[^/]+\/json$/.test(p)) {
    send(res, 200, { Id: p.split('/')[2], State: { Status: 'exited', Running: false, ExitCode: 0 }, Config: { Tty: false, OpenStdin: false }, HostConfig: {} });
  } else if (req.method === 'DELETE' && /^\/containers\/[^/]+$/.test(p)) send(res, 204);
  else send(res, 404, { message: `stub engine: no route for ${req.method} ${url}` });
}

/** A hijacked attach or exec start: 101, then stdin echoed as stdout frames until the client closes its side. */
function hijack(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: ${API_VERSION}\r\n\r\n`);
  socket.on('error', () => socket.destroy());
  const stdin = /[?&]stdin=(1|true)/.test(req.url ?? '');
  if (!stdin) {
    // no output, then the client's side: read (and drop) whatever it sends until it closes
    socket.end();
    socket.on('end', () => socket.destroy());
    socket.resume();
    return;
  }
  const echo = (c: Buffer): void => {
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(c.length, 4);
    socket.write(Buffer.concat([header, c]));
  };
  if (head.length) echo(head);
  socket.on('data', echo);
  socket.on('end', () => socket.end());
}

export async function startStubEngine(dir: string): Promise<StubEngine> {
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'stub.sock');
  fs.rmSync(socket, { force: true });
  const server = http.createServer(route);
  const hijacked = new Set<Socket>();
  server.on('upgrade', (req: http.IncomingMessage, s: Socket, head: Buffer) => {
    hijacked.add(s);
    s.once('close', () => hijacked.delete(s));
    hijack(req, s, head);
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(socket, resolve); });
  return {
    host: `unix://${socket}`,
    socket,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      for (const s of hijacked) s.destroy();
      server.close(() => resolve());
    }),
  };
}
