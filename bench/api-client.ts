// A keep-alive HTTP client over a unix socket, for request-rate scenarios (not curl in a loop).
import http from 'node:http';

export interface ApiResponse { status: number; body: Buffer }

export class ApiClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  constructor(readonly socketPath: string) {}

  request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request({
        socketPath: this.socketPath, agent: this.agent, method, path,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json<T>(method: string, path: string, body?: unknown, expect = [200, 201, 204]): Promise<T> {
    const r = await this.request(method, path, body);
    if (!expect.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.body.toString()}`);
    return (r.body.length ? JSON.parse(r.body.toString()) : undefined) as T;
  }

  /** Requests per second for `durationMs` with `concurrency` requests in flight; every answer must be 200. */
  async rate(path: string, durationMs: number, concurrency = 4): Promise<number> {
    const end = Date.now() + durationMs;
    let count = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() < end) {
        const r = await this.request('GET', path);
        if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
        count++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return count / ((performance.now() - t0) / 1000);
  }

  close(): void {
    this.agent.destroy();
  }
}
