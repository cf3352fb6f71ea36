// @berth/client against dockerode on the same engine: container output read through each library
// (logs of an exited container; attach to a `yes | head` run), demultiplexed, byte counts checked.
// Compare the client-… row with the dockerode-… row of the same engine.
import { Writable } from 'node:stream';
import Dockerode from 'dockerode';
import { DockerClient } from '@berth/client';
import type { Engine } from './engines.js';
import type { Scenario } from './scenarios.js';

const BYTES = 100 * 1024 * 1024;
const WRITER = ['sh', '-c', `yes ${'x'.repeat(99)} | head -c ${BYTES}`];

const socketOf = (e: Engine): string => e.host.replace(/^unix:\/\//, '');
const clients = new Map<string, DockerClient>();
const client = (e: Engine): DockerClient => {
  let c = clients.get(e.name);
  if (!c) { c = new DockerClient({ socketPath: socketOf(e) }); clients.set(e.name, c); }
  return c;
};
const logContainers = new Map<string, string>();

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

async function rate(fn: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  const bytes = await fn();
  const ms = performance.now() - t0;
  check(bytes === BYTES, `read ${bytes} bytes, expected ${BYTES}`);
  return bytes / 1024 / 1024 / (ms / 1000);
}

function counter(): { sink: Writable; bytes: () => number } {
  let n = 0;
  const sink = new Writable({ write(chunk: Buffer, _enc, cb) { n += chunk.length; cb(); } });
  return { sink, bytes: () => n };
}

async function prepareLogs(e: Engine): Promise<void> {
  const c = client(e);
  const { Id } = await c.containerCreate({ body: { Image: 'busybox', Cmd: WRITER } });
  await c.containerStart({ id: Id });
  const { StatusCode } = await c.containerWait({ id: Id });
  check(StatusCode === 0, `log writer exit ${StatusCode}`);
  logContainers.set(e.name, Id);
}

async function cleanupLogs(e: Engine): Promise<void> {
  const id = logContainers.get(e.name);
  if (id) await client(e).containerDelete({ id, force: true });
  logContainers.delete(e.name);
}

const clientLogs = (e: Engine): Promise<number> => rate(async () => {
  let bytes = 0;
  for await (const f of await client(e).containerLogs({ id: logContainers.get(e.name)!, stdout: true, stderr: true })) bytes += f.data.length;
  return bytes;
});

const dockerodeLogs = (e: Engine): Promise<number> => rate(async () => {
  const docker = new Dockerode({ socketPath: socketOf(e) });
  const stream = await docker.getContainer(logContainers.get(e.name)!).logs({ follow: true, stdout: true, stderr: true });
  const out = counter();
  await new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(stream, out.sink, out.sink);
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return out.bytes();
});

const clientAttach = (e: Engine): Promise<number> => rate(async () => {
  const c = client(e);
  const { Id: id } = await c.containerCreate({ body: { Image: 'busybox', Cmd: WRITER } });
  const attach = await c.containerAttach({ id, stream: true, stdout: true, stderr: true });
  await c.containerStart({ id });
  let bytes = 0;
  for await (const f of attach) bytes += f.data.length;
  await c.containerWait({ id });
  await c.containerDelete({ id });
  return bytes;
});

const dockerodeAttach = (e: Engine): Promise<number> => rate(async () => {
  const docker = new Dockerode({ socketPath: socketOf(e) });
  const container = await docker.createContainer({ Image: 'busybox', Cmd: WRITER });
  const stream = await container.attach({ stream: true, stdout: true, stderr: true, hijack: true });
  const out = counter();
  const ended = new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(stream, out.sink, out.sink);
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  await container.start();
  await ended;
  await container.wait();
  await container.remove();
  return out.bytes();
});

/**
 * One sample = the client's rate over dockerode's, measured back to back on the same engine (the
 * order alternating between samples), so that a load swing between two separate rows cannot decide
 * the comparison: above 1 the client is faster.
 */
let pairTurn = 0;
async function pairRatio(mine: (e: Engine) => Promise<number>, theirs: (e: Engine) => Promise<number>, e: Engine): Promise<number> {
  pairTurn++;
  if (pairTurn % 2 === 0) { const b = await theirs(e); const a = await mine(e); return a / b; }
  const a = await mine(e); const b = await theirs(e); return a / b;
}

export const CLIENT_SCENARIOS: Scenario[] = [
  { name: 'client-logs-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1, prepare: prepareLogs, cleanup: cleanupLogs, sample: clientLogs },
  { name: 'dockerode-logs-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1, prepare: prepareLogs, cleanup: cleanupLogs, sample: dockerodeLogs },
  { name: 'client-attach-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1, sample: clientAttach },
  { name: 'dockerode-attach-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1, sample: dockerodeAttach },
  {
    name: 'client/dockerode-logs-100MB', unit: '× dockerode', higherIsBetter: true, iterations: 5, warmup: 1,
    prepare: prepareLogs, cleanup: cleanupLogs, sample: (e) => pairRatio(clientLogs, dockerodeLogs, e),
  },
  { name: 'client/dockerode-attach-100MB', unit: '× dockerode', higherIsBetter: true, iterations: 5, warmup: 1, sample: (e) => pairRatio(clientAttach, dockerodeAttach, e) },
];
