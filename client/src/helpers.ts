// What users otherwise write by hand around the raw operations: run a command in a fresh
// container, pull with progress, follow logs, wait for a healthy container.
import type { IncomingMessage } from 'node:http';
import type { CallOptions, FrameStream, HijackedStream, JsonMessage, JsonStream } from './call-types.js';
import { contextTar } from './build-context.js';
import { collect } from './demux.js';
import { StreamError } from './errors.js';
import type { CallArgs } from './request-builder.js';
import { readBody } from './transport.js';

export interface RunOptions {
  /** Container name. */
  name?: string;
  /** Written to the container's stdin, then EOF. */
  stdin?: string | Buffer;
  tty?: boolean;
  env?: string[];
  /** More of the create body (Config and HostConfig fields), merged over what run sets. */
  config?: Record<string, unknown>;
  /** Keep the container instead of removing it. */
  keep?: boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The container's ID (removed again unless `keep`). */
  id: string;
}

export interface PullOptions {
  onProgress?: (message: JsonMessage) => void;
  /** Registry credentials (sent as X-Registry-Auth). */
  auth?: { username?: string; password?: string; serveraddress?: string; identitytoken?: string };
  platform?: string;
  signal?: AbortSignal;
}

export interface WaitForHealthyOptions {
  /** How often to inspect (default 500 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface BuildOptions {
  /** Tag(s) for the image (`t`). */
  tag?: string | string[];
  /** The Dockerfile's path inside the context (default `Dockerfile`). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  platform?: string;
  onProgress?: (message: JsonMessage) => void;
  signal?: AbortSignal;
}

export interface BuildResult {
  /** The built image's ID (from the stream's `aux` message or its "Successfully built" line). */
  imageId: string | undefined;
  /** The build output (`stream` messages) as text. */
  output: string;
}

/** Splits `name[:tag][@digest]` the way the docker CLI sends it: fromImage and tag (or digest). */
export function splitReference(ref: string): { fromImage: string; tag?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { fromImage: ref, tag: 'latest' };
}

export abstract class Helpers {
  abstract call(name: string, args?: CallArgs, options?: CallOptions): Promise<unknown>;
  abstract open(name: string, args?: CallArgs, options?: CallOptions): Promise<IncomingMessage>;

  /**
   * `docker run --rm`: create, attach, wait (registered before start), start, collect the output,
   * remove. Resolves with the exit code and the output.
   */
  async run(image: string, cmd: string[], options: RunOptions = {}): Promise<RunResult> {
    const signal = options.signal;
    const withStdin = options.stdin !== undefined;
    const tty = Boolean(options.tty);
    const created = await this.call('containerCreate', {
      ...(options.name ? { name: options.name } : {}),
      body: {
        Image: image, Cmd: cmd, Tty: tty, AttachStdout: true, AttachStderr: true,
        AttachStdin: withStdin, OpenStdin: withStdin, StdinOnce: withStdin,
        ...(options.env ? { Env: options.env } : {}), ...options.config,
      },
    }, { ...(signal ? { signal } : {}) }) as { Id: string };
    const id = created.Id;
    let attach: HijackedStream | undefined;
    let wait: IncomingMessage | undefined;
    let output: Promise<{ stdout: string; stderr: string }> | undefined;
    try {
      attach = await this.call('containerAttach', { id, stream: true, stdin: withStdin, stdout: true, stderr: true }, { tty, ...(signal ? { signal } : {}) }) as HijackedStream;
      output = collect(attach);
      // The wait's response head arrives once the engine has registered it: only then start.
      wait = await this.open('containerWait', { id, condition: 'next-exit' }, { ...(signal ? { signal } : {}) });
      await this.call('containerStart', { id }, { ...(signal ? { signal } : {}) });
      if (withStdin) attach.stdin.end(options.stdin);
      const [{ stdout, stderr }, waited] = await Promise.all([output, readBody(wait)]);
      const result = JSON.parse(waited.toString()) as { StatusCode: number; Error?: { Message?: string } | null };
      if (result.Error?.Message) throw new StreamError(result.Error.Message, result.Error);
      return { exitCode: result.StatusCode, stdout, stderr, id };
    } catch (err) {
      // Leave no connection behind: the wait and attach streams would otherwise stay open.
      output?.catch(() => undefined);
      attach?.destroy();
      wait?.destroy();
      throw err;
    } finally {
      if (!options.keep) await this.call('containerDelete', { id, force: true }).catch(() => undefined);
    }
  }

  /** Pulls an image, reporting each progress message; rejects on the stream's error message. */
  async pull(ref: string, options: PullOptions = {}): Promise<void> {
    const { fromImage, tag } = splitReference(ref);
    const stream = await this.call('imageCreate', {
      fromImage, ...(tag ? { tag } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.auth ? { 'X-Registry-Auth': options.auth } : {}),
    }, { ...(options.signal ? { signal: options.signal } : {}) }) as JsonStream<JsonMessage>;
    for await (const message of stream) {
      options.onProgress?.(message);
      if (message.error || message.errorDetail) throw new StreamError(message.errorDetail?.message ?? message.error ?? 'pull failed', message);
    }
  }

  /** `docker build DIR`: tars the directory (honouring .dockerignore), builds, and reports progress. */
  async buildFromDirectory(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
    const dockerfile = options.dockerfile ?? 'Dockerfile';
    const stream = await this.call('imageBuild', {
      dockerfile,
      ...(options.tag ? { t: options.tag } : {}),
      ...(options.buildArgs ? { buildargs: options.buildArgs } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.noCache ? { nocache: true } : {}),
      ...(options.pull ? { pull: '1' } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
      'Content-type': 'application/x-tar',
      body: contextTar(dir, dockerfile),
    }, { ...(options.signal ? { signal: options.signal } : {}) }) as JsonStream<JsonMessage>;
    let imageId: string | undefined;
    let output = '';
    for await (const message of stream) {
      options.onProgress?.(message);
      if (message.error || message.errorDetail) throw new StreamError(message.errorDetail?.message ?? message.error ?? 'build failed', message);
      if (typeof message.stream === 'string') {
        output += message.stream;
        imageId ??= /^Successfully built ([0-9a-f]+)/m.exec(message.stream)?.[1];
      }
      const aux = message.aux as { ID?: unknown } | undefined;
      if (typeof aux?.ID === 'string') imageId = aux.ID;
    }
    return { imageId, output };
  }

  /** A container's output from now on (and `tail` lines before), until it stops. */
  followLogs(id: string, options: { tail?: number | 'all'; since?: number; timestamps?: boolean; signal?: AbortSignal; tty?: boolean } = {}): Promise<FrameStream> {
    return this.call('containerLogs', {
      id, follow: true, stdout: true, stderr: true, tail: String(options.tail ?? 'all'),
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.timestamps ? { timestamps: true } : {}),
    }, { ...(options.signal ? { signal: options.signal } : {}), ...(options.tty !== undefined ? { tty: options.tty } : {}) }) as Promise<FrameStream>;
  }

  /** Resolves once the container's health check reports healthy; rejects if it turns unhealthy or stops. */
  async waitForHealthy(id: string, options: WaitForHealthyOptions = {}): Promise<void> {
    const interval = options.intervalMs ?? 500;
    for (;;) {
      options.signal?.throwIfAborted();
      const c = await this.call('containerInspect', { id }, { ...(options.signal ? { signal: options.signal } : {}) }) as {
        State?: { Running?: boolean; Health?: { Status?: string } };
      };
      const status = c.State?.Health?.Status;
      if (status === 'healthy') return;
      if (status === 'unhealthy') throw new StreamError(`container ${id} is unhealthy`, c.State);
      if (!c.State?.Running) throw new StreamError(`container ${id} is not running`, c.State);
      if (!status) throw new StreamError(`container ${id} has no health check`, c.State);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
