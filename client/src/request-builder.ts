// Turns one method call (its operation and its single argument object) into an HTTP request:
// path parameters into the path, query parameters by their spec names, headers, and the body.
import type { OperationSpec } from './call-types.js';
import type { RawRequest } from './transport.js';

export type CallArgs = Record<string, unknown>;

/** Like Go's url.URL path escaping, which the docker CLI uses: `/`, `:` and `@` stay as they are. */
function escapePathParam(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/%3A/gi, ':').replace(/%40/g, '@');
}

function queryValue(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value !== null && typeof value === 'object') return [JSON.stringify(value)];
  return [String(value)];
}

/** Registry credentials may be given as an object; the header carries them as base64url JSON. */
function headerValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function buildRequest(spec: OperationSpec, version: string | undefined, args: CallArgs): RawRequest {
  let path = spec.path;
  for (const name of spec.pathParams) {
    const value = args[name];
    if (value === undefined || value === null || value === '') throw new TypeError(`${spec.operationId}: missing path parameter '${name}'`);
    path = path.replace(`{${name}}`, escapePathParam(String(value)));
  }
  const query = new URLSearchParams();
  for (const name of spec.query) {
    const value = args[name];
    if (value === undefined) continue;
    for (const v of queryValue(value)) query.append(name, v);
  }
  const headers: Record<string, string> = {};
  for (const name of spec.header) {
    const value = args[name];
    if (value !== undefined) headers[name] = headerValue(value);
  }
  const qs = query.toString();
  const request: RawRequest = { method: spec.method, path: `${version ? `/v${version}` : ''}${path}${qs ? `?${qs}` : ''}`, headers };
  const body = args.body;
  if (body !== undefined && spec.body === 'json') {
    request.body = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  } else if (body !== undefined && spec.body === 'binary') {
    request.body = body as RawRequest['body'];
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = spec.bodyContentType ?? 'application/octet-stream';
  }
  return request;
}
