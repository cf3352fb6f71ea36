// `npm run soak`: berthd under load, with numbers. Phase 1: N concurrent API clients for S seconds
// (ping / list / inspect / info mixed with create-start-stop-rm churn): requests, errors, p50/p99
// per operation, berthd's RSS and open fds before and after. Phase 2: M containers created, listed,
// inspected and removed. Phase 3: R containers running at once.
// Sizes: SOAK_CLIENTS (200), SOAK_SECONDS (60), SOAK_CONTAINERS (1000), SOAK_RUNNING (100),
// SOAK_CHURN_SHARE (0.1 of the clients churn, the rest read).
import fs from 'node:fs';
import http from 'node:http';
import { Berthd, busyboxTar } from '../test/integration/harness.js';

const env = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);
const CLIENTS = env('SOAK_CLIENTS', 200);
const SECONDS = env('SOAK_SECONDS', 60);
const CONTAINERS = env('SOAK_CONTAINERS', 1000);
const RUNNING = env('SOAK_RUNNING', 100);
const CHURN_SHARE = env('SOAK_CHURN_SHARE', 0.1);

interface Answer { status: number; body: string }

function request(agent: http.Agent, socketPath: string, method: string, p: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, socketPath, method, path: p,
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function procStats(pid: number): { rssMiB: number; fds: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  return { rssMiB: Math.round(rss * 10) / 10, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};

class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors: string[] = [];
  requests = 0;

  async time(op: string, fn: () => Promise<Answer>, okStatus: (s: number) => boolean): Promise<Answer | undefined> {
    const t0 = performance.now();
    try {
      const a = await fn();
      this.requests++;
      const list = this.latencies.get(op) ?? [];
      list.push(performance.now() - t0);
      this.latencies.set(op, list);
      if (!okStatus(a.status)) this.errors.push(`${op}: ${a.status} ${a.body.slice(0, 200)}`);
      return a;
    } catch (err) {
      this.requests++;
      this.errors.push(`${op}: ${(err as Error).message}`);
      return undefined;
    }
  }

  table(): string {
    const rows = [...this.latencies.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([op, xs]) => `| ${op} | ${xs.length} | ${pct(xs, 50)} | ${pct(xs, 99)} | ${pct(xs, 100)} |`);
    return ['| operation | requests | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|', ...rows].join('\n');
  }
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync('/tmp/berth-soak-');
  const d = new Berthd(root);
  await d.start();
  const pid = d.proc!.pid!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 10 });
  const api = (method: string, p: string, body?: unknown): Promise<Answer> => request(agent, d.socket, method, p, body);
  try {
    const load = await d.docker(['load', '-i', await busyboxTar()]);
    if (load.code !== 0) throw new Error(load.stderr);
    const fixed = await api('POST', '/containers/create?name=soak-fixed', { Image: 'busybox', Cmd: ['sleep', '3600'] });
    await api('POST', '/containers/soak-fixed/start');
    void fixed;
    const before = procStats(pid);

    // phase 1: concurrent clients
    const rec = new Recorder();
    const deadline = Date.now() + SECONDS * 1000;
    const ok2xx = (s: number): boolean => s >= 200 && s < 300;
    const churners = Math.max(1, Math.round(CLIENTS * CHURN_SHARE));
    const reader = async (): Promise<void> => {
      for (let i = 0; Date.now() < deadline; i++) {
        switch (i % 4) {
          case 0: await rec.time('ping', () => api('GET', '/_ping'), ok2xx); break;
          case 1: await rec.time('list', () => api('GET', '/containers/json?all=1'), ok2xx); break;
          case 2: await rec.time('inspect', () => api('GET', '/containers/soak-fixed/json'), ok2xx); break;
          default: await rec.time('version', () => api('GET', '/version'), ok2xx); break;
        }
      }
    };
    const churner = async (n: number): Promise<void> => {
      for (let k = 0; Date.now() < deadline; k++) {
        const c = await rec.time('create', () => api('POST', `/containers/create?name=soak-churn-${n}-${k}`, { Image: 'busybox', Cmd: ['sleep', '60'] }), (s) => s === 201);
        if (!c || c.status !== 201) continue;
        const id = (JSON.parse(c.body) as { Id: string }).Id;
        await rec.time('start', () => api('POST', `/containers/${id}/start`), (s) => s === 204);
        await rec.time('stop', () => api('POST', `/containers/${id}/stop?t=0`), (s) => s === 204 || s === 304);
        await rec.time('remove', () => api('DELETE', `/containers/${id}`), (s) => s === 204);
      }
    };
    const t0 = Date.now();
    await Promise.all([
      ...Array.from({ length: CLIENTS - churners }, () => reader()),
      ...Array.from({ length: churners }, (_, n) => churner(n)),
    ]);
    const elapsed = (Date.now() - t0) / 1000;
    const afterLoad = procStats(pid);

    // phase 2: many containers
    const many = new Recorder();
    const ids: string[] = [];
    const batch = async <T>(items: T[], width: number, fn: (x: T) => Promise<unknown>): Promise<void> => {
      for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
    };
    await batch(Array.from({ length: CONTAINERS }, (_, i) => i), 20, async (i) => {
      const a = await many.time('create', () => api('POST', `/containers/create?name=soak-many-${i}`, { Image: 'busybox', Cmd: ['true'] }), (s) => s === 201);
      if (a?.status === 201) ids.push((JSON.parse(a.body) as { Id: string }).Id);
    });
    const listed = await many.time('list all', () => api('GET', '/containers/json?all=1'), ok2xx);
    const listedCount = listed ? (JSON.parse(listed.body) as unknown[]).length : 0;
    await batch(ids, 20, (id) => many.time('inspect', () => api('GET', `/containers/${id}/json`), ok2xx));
    await batch(ids, 20, (id) => many.time('remove', () => api('DELETE', `/containers/${id}`), (s) => s === 204));

    // phase 3: running at once
    const run = new Recorder();
    const running: string[] = [];
    await batch(Array.from({ length: RUNNING }, (_, i) => i), 10, async (i) => {
      const a = await run.time('create', () => api('POST', `/containers/create?name=soak-run-${i}`, { Image: 'busybox', Cmd: ['sleep', '3600'] }), (s) => s === 201);
      if (a?.status !== 201) return;
      const id = (JSON.parse(a.body) as { Id: string }).Id;
      const s = await run.time('start', () => api('POST', `/containers/${id}/start`), (st) => st === 204);
      if (s?.status === 204) running.push(id);
    });
    const ps = await run.time('list running', () => api('GET', '/containers/json'), ok2xx);
    const runningCount = ps ? (JSON.parse(ps.body) as unknown[]).length : 0;
    const atPeak = procStats(pid);
    await batch(running, 10, (id) => run.time('remove -f', () => api('DELETE', `/containers/${id}?force=1`), (s) => s === 204));
    // idle: the client's keep-alive connections closed, as a restarted client would find berthd
    agent.destroy();
    await new Promise((r) => setTimeout(r, 1000));
    const after = procStats(pid);

    const out = [
      `## soak (${new Date().toISOString()}, ${CLIENTS} clients × ${SECONDS} s, ${churners} of them churning)`,
      '',
      `phase 1: ${rec.requests} requests in ${elapsed.toFixed(1)} s (${Math.round(rec.requests / elapsed)}/s), errors: ${rec.errors.length}`,
      '',
      rec.table(),
      '',
      `phase 2: ${CONTAINERS} containers: ${ids.length} created, ${listedCount} listed, errors: ${many.errors.length}`,
      '',
      many.table(),
      '',
      `phase 3: ${running.length} running at once (${runningCount} listed running), errors: ${run.errors.length}`,
      '',
      run.table(),
      '',
      `berthd RSS MiB / open fds: start ${before.rssMiB} / ${before.fds}; after phase 1 ${afterLoad.rssMiB} / ${afterLoad.fds} `
        + `(with ${CLIENTS} keep-alive connections); ${running.length} running ${atPeak.rssMiB} / ${atPeak.fds}; end, connections closed ${after.rssMiB} / ${after.fds}`,
    ];
    const errors = [...rec.errors, ...many.errors, ...run.errors];
    if (errors.length) out.push('', 'first errors:', ...errors.slice(0, 10).map((e) => `- ${e}`));
    process.stdout.write(out.join('\n') + '\n');
    if (errors.length) process.exitCode = 1;
  } finally {
    agent.destroy();
    const left = await d.docker(['ps', '-aq']);
    const all = left.stdout.split('\n').filter(Boolean);
    if (all.length) await d.docker(['rm', '-f', ...all], { timeoutMs: 300_000 });
    await d.stop('SIGTERM');
    d.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
