// The client side alone: how much CPU @berth/client and dockerode spend reading and demultiplexing
// container output, with the engine taken out. A child process serves 100 MiB of multiplexed
// frames on a unix socket, as a logs response (HTTP 200) and as a hijacked attach (101 Upgrade:
// tcp); this process reads them through each library and measures its own CPU time and wall time.
// Frame sizes: 100 bytes (json-file logs: one frame per line) and 32 KiB (a live attach: one frame
// per read). Byte counts are checked. Usage: [DEMUX_FRAME_SIZES=100,32768] node dist/bench/client-demux.js [rounds] [MiB]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { DockerClient } from '@berth/client';

/** MiB per read: argv[3] (default 100); CPU is reported per 100 MiB either way. */
const MIB = Number((process.argv[2] === '--serve' ? process.argv[4] : process.argv[3]) ?? 100);
const BYTES = MIB * 1024 * 1024;

/** 1 MiB-ish of frames of `size` payload bytes (stdout and stderr alternating every 8 frames). */
function block(size: number): { buf: Buffer } {
  const count = Math.max(1, Math.floor((1024 * 1024) / (size + 8)));
  const buf = Buffer.alloc(count * (size + 8), 'x');
  for (let i = 0; i < count; i++) {
    const at = i * (size + 8);
    buf.fill(0, at, at + 8);
    buf[at] = (i >> 3) % 2 === 0 ? 1 : 2;
    buf.writeUInt32BE(size, at + 4);
  }
  return { buf };
}

/** The payload bytes a read of `size`-byte frames carries: whole frames only. */
const expected = (size: number): number => Math.floor(BYTES / size) * size;

async function writeFrames(out: Writable, size: number): Promise<void> {
  const { buf } = block(size);
  const perBlock = buf.length / (size + 8);
  let frames = expected(size) / size;
  while (frames > 0) {
    const n = Math.min(frames, perBlock);
    frames -= n;
    if (!out.write(buf.subarray(0, n * (size + 8)))) await new Promise((r) => out.once('drain', r));
  }
}

/** The frame size a reader asks for, in a query parameter the fake server misuses: tail (logs) or detachKeys (attach). */
function frameSize(url: string | undefined): number {
  const q = new URL(url ?? '/', 'http://x').searchParams;
  return Number(q.get('tail') ?? q.get('detachKeys') ?? 100);
}

function serve(socketPath: string): void {
  const server = http.createServer((req, res) => {
    const size = frameSize(req.url);
    if (req.url?.startsWith('/_ping')) { res.setHeader('Api-Version', '1.41'); res.end('OK'); return; }
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
    void writeFrames(res, size).then(() => res.end());
  });
  server.on('upgrade', (req, socket: Socket) => {
    const size = frameSize(req.url);
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    void writeFrames(socket, size).then(() => socket.end());
  });
  server.listen(socketPath, () => process.send?.('ready'));
}

type Reader = (socketPath: string, size: number) => Promise<number>;

const readers: Record<string, Reader> = {
  'client-logs': async (socketPath, size) => {
    const c = new DockerClient({ socketPath, version: '1.44' });
    let n = 0;
    for await (const f of await c.containerLogs({ id: 'x', stdout: true, stderr: true, tail: String(size) })) n += f.data.length;
    c.close();
    return n;
  },
  'dockerode-logs': async (socketPath, size) => {
    const docker = new Dockerode({ socketPath, version: 'v1.44' });
    const stream = await docker.getContainer('x').logs({ follow: true, stdout: true, stderr: true, tail: size });
    return drainDockerode(docker, stream);
  },
  'client-attach': async (socketPath, size) => {
    const c = new DockerClient({ socketPath, version: '1.44' });
    let n = 0;
    for await (const f of await c.containerAttach({ id: 'x', stream: true, stdout: true, stderr: true, detachKeys: String(size) })) n += f.data.length;
    c.close();
    return n;
  },
  'dockerode-attach': async (socketPath, size) => {
    const docker = new Dockerode({ socketPath, version: 'v1.44' });
    const stream = await docker.getContainer('x').attach({ stream: true, stdout: true, stderr: true, hijack: true, detachKeys: String(size) });
    return drainDockerode(docker, stream);
  },
};

function drainDockerode(docker: Dockerode, stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  const sink = new Writable({ write(chunk: Buffer, _enc, cb) { n += chunk.length; cb(); } });
  return new Promise((resolve, reject) => {
    docker.modem.demuxStream(stream, sink, sink);
    stream.on('end', () => resolve(n));
    stream.on('error', reject);
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === '--serve') { serve(process.argv[3]!); return; }
  const rounds = Number(process.argv[2] ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-demux-'));
  const socketPath = path.join(dir, 's.sock');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', socketPath, String(MIB)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await new Promise((r) => child.once('message', r));
    console.log('| reader | frame | MB/s (median) | client CPU ms per 100 MiB (median) |');
    console.log('|---|---|---|---|');
    const sizes = process.env.DEMUX_FRAME_SIZES?.split(',').map(Number) ?? [100, 32 * 1024];
    for (const size of sizes) {
      // the query parameter the fake server reads the frame size from: tail for logs, detachKeys for attach
      for (const kind of ['logs', 'attach']) {
        const results: Record<string, Array<{ rate: number; cpu: number }>> = { client: [], dockerode: [] };
        for (let r = 0; r < rounds + 1; r++) {
          for (const lib of ['client', 'dockerode']) { // interleaved; the first round warms up
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            const n = await readers[`${lib}-${kind}`]!(socketPath, size);
            const ms = performance.now() - t0;
            const cpu = process.cpuUsage(cpu0);
            if (n !== expected(size)) throw new Error(`${lib}-${kind}: read ${n} bytes, expected ${expected(size)}`);
            if (r > 0) results[lib]!.push({ rate: MIB / (ms / 1000), cpu: ((cpu.user + cpu.system) / 1000) * (100 / MIB) });
          }
        }
        for (const lib of ['client', 'dockerode']) {
          const med = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
          const rs = results[lib]!;
          console.log(`| ${lib} ${kind} | ${size} B | ${med(rs.map((x) => x.rate)).toFixed(0)} | ${med(rs.map((x) => x.cpu)).toFixed(0)} |`);
        }
      }
    }
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
