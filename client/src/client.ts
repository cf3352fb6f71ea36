// DockerClient: the connection, the API version (pinned or negotiated with /_ping), and one method
// per operation of the Engine API, dispatched through the generated operation table.
import type { IncomingMessage } from 'node:http';
import type { CallOptions, OperationSpec, PathStat } from './call-types.js';
import { resolveEndpoint, versionFromEnv, type ConnectionOptions, type Endpoint } from './connection.js';
import { errorFromResponse } from './errors.js';
import { operations } from './generated/operations.js';
import { NEWEST_API_VERSION, type ApiVersion, type NewestApiVersion, type VersionMethods } from './generated/versions.js';
import { Helpers } from './helpers.js';
import { legacyOperations } from './legacy-operations.js';
import { buildRequest, type CallArgs } from './request-builder.js';
import { frameStream, hijackedStream, jsonStream, legacyHijackedStream, streamMode } from './streams.js';
import { readBody, Transport, type RawRequest } from './transport.js';
import { negotiate, versionLt } from './version.js';

export interface ClientOptions<V extends ApiVersion = ApiVersion> extends ConnectionOptions {
  /**
   * `'1.44'` pins the version (every request goes to `/v1.44/…`); `'auto'` (the default, unless
   * DOCKER_API_VERSION is set) asks `/_ping` once and uses the lower of the server's and the client's newest.
   */
  version?: V | 'auto';
}

interface Prepared { spec: OperationSpec; version: string; request: RawRequest }

export type OperationName = keyof typeof operations | keyof typeof legacyOperations;

/** The generated operation, or before API 1.25 the legacy one where the old docs differ. */
function specFor(name: OperationName, version: string): OperationSpec {
  const legacy = (legacyOperations as Record<string, OperationSpec>)[name];
  const current = (operations as Record<string, OperationSpec>)[name];
  return (legacy && versionLt(version, '1.25')) || !current ? legacy! : current;
}

/** The part of the client that is the same at every version. */
export class ClientCore extends Helpers {
  readonly endpoint: Endpoint;
  private readonly transport: Transport;
  private versionPromise: Promise<string> | undefined;

  constructor(options: ClientOptions = {}) {
    super();
    this.endpoint = resolveEndpoint(options);
    this.transport = new Transport(this.endpoint);
    const fromEnv = !options.socketPath && !options.host ? versionFromEnv(options.env) : undefined;
    const version = options.version ?? fromEnv ?? 'auto';
    if (version !== 'auto') this.versionPromise = Promise.resolve(version);
  }

  /** The API version requests use: the pinned one, or the negotiated one (asks /_ping once). */
  apiVersion(signal?: AbortSignal): Promise<string> {
    if (!this.versionPromise) {
      const attempt = this.transport.request({ method: 'GET', path: '/_ping', ...(signal ? { signal } : {}) }).then(async (res) => {
        await readBody(res);
        const header = res.headers['api-version'];
        return negotiate(NEWEST_API_VERSION, Array.isArray(header) ? header[0] : header);
      });
      this.versionPromise = attempt;
      attempt.catch(() => { if (this.versionPromise === attempt) this.versionPromise = undefined; });
    }
    return this.versionPromise;
  }

  /** Closes the client's keep-alive connections (and responses still streaming on them). */
  close(): void {
    this.transport.close();
  }

  /** Sends an operation's request and resolves with the response once its head arrived (error statuses throw). */
  async open(name: OperationName, args: CallArgs = {}, options: CallOptions = {}): Promise<IncomingMessage> {
    return this.send(await this.prepare(name, args, options));
  }

  private async prepare(name: OperationName, args: CallArgs, options: CallOptions): Promise<Prepared> {
    const version = await this.apiVersion(options.signal);
    const spec = specFor(name, version);
    const request = buildRequest(spec, version, args);
    if (options.headers) Object.assign(request.headers!, options.headers);
    if (options.signal) request.signal = options.signal;
    return { spec, version, request };
  }

  private async send({ spec, request }: Prepared): Promise<IncomingMessage> {
    const res = await this.transport.request(request);
    const status = res.statusCode ?? 0;
    if (status >= 300) throw await this.errorOf(res, spec, request.path);
    return res;
  }

  private async errorOf(res: IncomingMessage, spec: OperationSpec, path: string): Promise<Error> {
    const body = (await readBody(res)).toString();
    return errorFromResponse(body, { status: res.statusCode ?? 0, operation: spec.operationId, method: spec.method, path });
  }

  /** Calls an operation by method name with untyped arguments (the typed methods all come here). */
  async call(name: OperationName, args: CallArgs = {}, options: CallOptions = {}): Promise<unknown> {
    const prepared = await this.prepare(name, args, options);
    const { spec, version, request } = prepared;
    const detached = spec.result === 'hijack' && (args.body as { Detach?: boolean } | undefined)?.Detach === true;
    if (spec.result === 'hijack' && !detached) {
      const hijacked = await this.transport.hijack(request);
      const res = hijacked.response;
      const tty = spec.operationId === 'ExecStart' ? Boolean((args.body as { Tty?: boolean } | undefined)?.Tty) : options.tty;
      const mode = streamMode(res.headers['content-type'], version, tty);
      if (hijacked.upgraded) return hijackedStream(hijacked.socket, hijacked.head, mode);
      if ((res.statusCode ?? 0) >= 300) throw await this.errorOf(res, spec, request.path);
      return legacyHijackedStream(res, mode);
    }

    const res = await this.send(prepared);
    switch (detached ? 'none' : spec.result) {
      case 'frames': return frameStream(res, streamMode(res.headers['content-type'], version, options.tty));
      case 'jsonStream': return jsonStream(res);
      case 'binary': return res;
      case 'text': return (await readBody(res)).toString();
      case 'pathStat': {
        await readBody(res);
        const header = res.headers['x-docker-container-path-stat'];
        return JSON.parse(Buffer.from(String(header ?? ''), 'base64').toString() || 'null') as PathStat;
      }
      case 'json': {
        const body = (await readBody(res)).toString();
        return body.trim() ? JSON.parse(body) as unknown : undefined;
      }
      default:
        await readBody(res);
        return undefined;
    }
  }
}

for (const name of new Set([...Object.keys(operations), ...Object.keys(legacyOperations)]) as Set<OperationName>) {
  Object.defineProperty(ClientCore.prototype, name, {
    value: function (this: ClientCore, args?: CallArgs, options?: CallOptions) { return this.call(name, args, options); },
    writable: true, configurable: true,
  });
}

/**
 * A client for API version V: every operation of that version as a typed method. Pin V to get
 * compile errors for fields the version does not have: `new DockerClient({ version: '1.41' })`.
 */
export type DockerClient<V extends ApiVersion = NewestApiVersion> = ClientCore & VersionMethods[V];

export interface DockerClientConstructor {
  new <V extends ApiVersion = NewestApiVersion>(options?: ClientOptions<V>): DockerClient<V>;
}

export const DockerClient = ClientCore as unknown as DockerClientConstructor;
