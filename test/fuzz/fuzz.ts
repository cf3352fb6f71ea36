// `npm run fuzz`: fast-check sends generated requests to every route of a real berthd — route paths
// with random or real parameters, random paths, query strings, headers, JSON bodies of any shape,
// random bytes, truncated and oversized bodies — and checks that berthd never answers a client's
// mistake with a 5xx (beyond where dockerd does too), never dies, leaks no file descriptor, and
// writes nothing outside its roots (names and paths aim at a directory of the host, which must stay
// empty, and `/` must not change).
// FUZZ_RUNS (default 2000) and FUZZ_SEED (to replay) size and pin the run. Requests that would leave
// this machine (pull, push, login, build from a URL) are never generated.
import fs from 'node:fs';
import http from 'node:http';
import fc from 'fast-check';
import { routeTables } from '../../src/api/routers/index.js';
import { Berthd, busyboxTar } from '../integration/harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** A host directory generated names and paths point into (`../…` and absolute): it must stay empty. */
const OUTSIDE = fs.mkdtempSync('/tmp/berth-fuzz-outside-');
const TRAVERSE = `../../../../../../../..${OUTSIDE}`;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/** Routes that reach the network (pull, push, login, distribution) or block by design (wait, follow, attach, events). */
const EXCLUDED = new Set(['/images/create', '/images/search', '/auth', '/build', '/distribution/*', '/containers/:id/attach', '/containers/:id/attach/ws',
  '/events', '/containers/:id/wait',
  // host networking state (bridges, veths, rules) is the network tests' to create and clean
  '/networks/create', '/networks/:id/connect', '/networks/prune']);

/** Where dockerd answers 5xx too (the server's state, not the request): see test/integration/hostile.test.ts. */
function dockerdAlsoServerError(path: string, status: number, body: string): boolean {
  // swarm routes on a node outside a swarm: 503, and dockerd 20.10's plain-error 500 for a logs
  // request without a stream (the differential harness holds these to dockerd's answers)
  if ((status === 503 || (status === 500 && /must choose at least one stream/.test(body)))
    && /^\/(v[\d.]+\/)?(swarm|services|secrets|configs|nodes|tasks)\b/.test(path)) return true;
  if (status === 500 && /is not paused/.test(body)) return true;
  if (status === 501) return true; // not implemented: a known gap, not a crash
  return false;
}

interface Req { method: string; path: string; headers: Record<string, string>; body: Buffer | undefined }
interface Answer { status: number; body: string }

function send(socketPath: string, r: Req): Promise<Answer | 'timeout'> {
  return new Promise((resolve, reject) => {
    // a hard deadline: a streaming answer (stats, logs follow) is never idle, so an idle timeout never fires
    const deadline = setTimeout(() => { req.destroy(); resolve('timeout'); }, 3000);
    const req = http.request({ socketPath, method: r.method, path: r.path, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { size += c.length; if (size < 65536) chunks.push(c); });
      res.on('end', () => { clearTimeout(deadline); resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }); });
      res.on('error', () => { clearTimeout(deadline); resolve({ status: res.statusCode ?? 0, body: '' }); });
    });
    req.on('error', (err) => {
      clearTimeout(deadline);
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || req.destroyed) resolve({ status: 0, body: 'reset' });
      else reject(err);
    });
    req.end(r.body);
  });
}

const names = fc.constantFrom('victim', 'runner', 'nosuch', 'busybox', 'busybox:latest', 'vol', '../../etc/passwd', '%2e%2e%2f', 'a'.repeat(300), '', '\u00e9\u0000', '-1',
  `${TRAVERSE}/name`, `${OUTSIDE}/name`);
const templates = routeTables().flatMap((r) => r.routes())
  .filter((r) => !EXCLUDED.has(r.path))
  .map((r) => ({ method: r.method, path: r.path }));

const pathArb = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...templates), names, fc.constantFrom('tag', 'json', 'history', 'get')).map(([t, n, imgOp]) => ({
    method: t.method,
    path: t.path.replace(/:[a-z]+/g, encodeURIComponent(n)).replace('/images/*', `/images/${encodeURIComponent(n)}/${imgOp}`),
  })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'), fc.webPath()).map(([method, p]) => ({ method, path: p.startsWith('/') ? p : `/${p}` })) },
);
const versionArb = fc.constantFrom('', '', '/v1.12', '/v1.24', '/v1.41', '/v1.55', '/v0.1', '/v9.99', '/vx');
const queryArb = fc.dictionary(
  fc.constantFrom('all', 'filters', 'force', 'v', 't', 'signal', 'name', 'size', 'limit', 'tail', 'since', 'until', 'path', 'stdout', 'stream', 'repo', 'tag', 'h', 'w', 'link', 'noprune', 'quiet', 'changes', 'container', 'fromSrc'),
  fc.oneof(fc.string(), fc.constantFrom('1', '0', 'true', '-1', '{bad', '{"label":["a"]}', '{"status":5}', '99999999999999999999', '%', 'SIGKILL',
    OUTSIDE, `${OUTSIDE}/q`, `${TRAVERSE}/q`, '/', '/etc')),
  { maxKeys: 4 },
).map((q) => {
  // fromSrc=- would import the body; a URL would be fetched: keep it to '-'
  if ('fromSrc' in q) q.fromSrc = '-';
  return new URLSearchParams(q).toString();
});
const bodyArb = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 4 }).map((j) => Buffer.from(j)) },
  { weight: 2, arbitrary: fc.record({ Image: fc.oneof(fc.constant('busybox'), fc.anything()), Cmd: fc.anything(), HostConfig: fc.anything(), Env: fc.anything(), Labels: fc.anything(), Name: fc.anything(), Driver: fc.anything() }, { requiredKeys: [] }).map((o) => Buffer.from(JSON.stringify(o) ?? 'null')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.json().map((j) => Buffer.from(j.slice(0, Math.max(0, j.length - 1)))) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const requestArb = fc.record({ target: pathArb, version: versionArb, query: queryArb, body: bodyArb,
  contentType: fc.constantFrom(undefined, 'application/json', 'application/x-tar', 'text/plain', 'application/json; charset=utf-8', '\u0001'),
  lengthLie: fc.constantFrom(0, 0, 0, 10, -3) }).map((g): Req => {
  const headers: Record<string, string> = {};
  if (g.contentType && /^[\t\x20-\x7e]*$/.test(g.contentType)) headers['Content-Type'] = g.contentType;
  const body = g.target.method === 'GET' || g.target.method === 'HEAD' ? undefined : g.body;
  if (body) headers['Content-Length'] = String(Math.max(0, body.length - Math.max(0, g.lengthLie)));
  const truncated = body && headers['Content-Length'] !== String(body.length) ? body.subarray(0, Number(headers['Content-Length'])) : body;
  // a random path that happens to name a route reaching a registry goes to /_ping instead
  const target = /(push|search|distribution|auth|images\/create|build|networks)/i.test(g.target.path) && !templates.some((t) => t.path === g.target.path)
    ? '/_ping' : g.target.path;
  return { method: g.target.method, path: `${g.version}${target}${g.query ? `?${g.query}` : ''}`, headers, body: truncated };
});

async function main(): Promise<void> {
  const root = fs.mkdtempSync('/tmp/berth-fuzz-');
  const d = new Berthd(root);
  await d.start();
  const pid = d.proc!.pid!;
  const fds = (): number => fs.readdirSync(`/proc/${pid}/fd`).length;
  try {
    await d.docker(['load', '-i', await busyboxTar()]);
    await d.docker(['create', '--name', 'victim', 'busybox', 'sleep', '300']);
    await d.docker(['run', '-d', '--name', 'runner', 'busybox', 'sleep', '3600']);
    await d.docker(['volume', 'create', 'vol']);
    const fdsBefore = fds();
    const hostView = (): string => JSON.stringify(fs.readdirSync('/').sort());
    const hostBefore = hostView();
    const statuses = new Map<number, number>();
    let timeouts = 0;
    let sent = 0;
    await fc.assert(fc.asyncProperty(requestArb, async (r) => {
      const a = await send(d.socket, r);
      sent++;
      if (a === 'timeout') { timeouts++; return; }
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (a.status >= 500 && !dockerdAlsoServerError(r.path.split('?')[0]!, a.status, a.body)) {
        throw new Error(`${r.method} ${r.path} → ${a.status} ${a.body.slice(0, 300)}`);
      }
      if (d.proc!.exitCode !== null) throw new Error(`berthd exited after ${r.method} ${r.path}:\n${d.logTail(20)}`);
    }), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true });
    const ping = await send(d.socket, { method: 'GET', path: '/_ping', headers: {}, body: undefined });
    if (ping === 'timeout' || ping.status !== 200) throw new Error('berthd no longer answers /_ping');
    await new Promise((r) => setTimeout(r, 1000));
    const fdsAfter = fds();
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    process.stdout.write(`fuzz: ${sent} requests, 0 unexpected 5xx, berthd up; statuses ${byStatus}; ${timeouts} still streaming after 3 s (aborted); fds ${fdsBefore} → ${fdsAfter}\n`);
    if (fdsAfter > fdsBefore + 5) { process.stdout.write('fuzz: file descriptors leaked\n'); process.exitCode = 1; }
    const outside = fs.readdirSync(OUTSIDE);
    if (outside.length > 0 || hostView() !== hostBefore) {
      process.stdout.write(`fuzz: something was written outside berthd's roots: ${OUTSIDE}: ${outside.join(' ')}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`fuzz: nothing written outside berthd's roots (${OUTSIDE} empty, / unchanged)\n`);
    }
  } finally {
    const left = (await d.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (left.length) await d.docker(['rm', '-f', ...left], { timeoutMs: 120_000 });
    await d.stop('SIGTERM');
    d.cleanup();
    fs.rmSync(OUTSIDE, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
