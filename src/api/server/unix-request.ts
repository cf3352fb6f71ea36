// A one-shot HTTP request over a unix socket, for the router and server tests.
import http from 'node:http';

export interface UnixResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends `body` (with `contentType` as Content-Type when given) and collects the whole response. */
export function unixRequest(socketPath: string, method: string, path: string, body?: string, contentType?: string): Promise<UnixResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, headers: contentType ? { 'Content-Type': contentType } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
