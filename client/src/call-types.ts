// The types every generated method signature is written in: call arguments and options, and the
// shapes of results that are not one JSON document (streams, hijacked connections, path stats).
import type { Readable, Writable } from 'node:stream';

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request (and closes its stream or connection). */
  signal?: AbortSignal;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Whether a logs/attach stream is a TTY's raw output (true) or multiplexed (false). Only needed
   * before API 1.42, where the server's Content-Type does not say; without it the client sniffs
   * the first 8 bytes for a multiplexing header.
   */
  tty?: boolean;
}

/** Flattens an intersection of parameter groups into one object type (for readable hovers). */
export type Args<T> = { [K in keyof T]: T[K] };

/** `filters` parameters are JSON text on the wire; the client also takes them as an object. */
export type QueryArgs<Q> = {
  [K in keyof Q]: K extends 'filters' ? Q[K] | Record<string, string[] | Record<string, boolean>> : Q[K];
};

/** A request body that is not JSON (tar archives, image tarballs, build contexts). */
export type BinaryBody = Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** One chunk of container output. */
export interface Frame {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Container output (logs, attach, exec), demultiplexed when the stream was multiplexed. */
export interface FrameStream extends AsyncIterable<Frame> {
  /** True when the output was a TTY's raw stream (everything arrives as `stdout`). */
  readonly tty: Promise<boolean>;
  /** Stops reading and closes the connection. */
  destroy(): void;
}

/** A hijacked attach / exec start connection: stdin in, demultiplexed output out. */
export interface HijackedStream extends FrameStream {
  /** Writes go to the process's stdin. */
  readonly stdin: Writable;
  /** Half-closes the connection: the process sees EOF on stdin; output keeps flowing. */
  closeWrite(): void;
}

/** A stream of JSON messages (events, pull/push/build progress, stats). */
export interface JsonStream<T> extends AsyncIterable<T> {
  destroy(): void;
}

/** A progress or status message of a JSON stream whose schema the spec does not name. */
export interface JsonMessage {
  id?: string;
  status?: string;
  stream?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: Record<string, unknown>;
  [key: string]: unknown;
}

/** HEAD /containers/{id}/archive: the X-Docker-Container-Path-Stat header, decoded. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export type ResultKind = 'json' | 'none' | 'text' | 'hijack' | 'frames' | 'jsonStream' | 'binary' | 'pathStat';

/** How one operation is called: the runtime half of a generated method. */
export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  pathParams: readonly string[];
  query: readonly string[];
  header: readonly string[];
  body?: 'json' | 'binary';
  bodyContentType?: string;
  result: ResultKind;
  /** The first API version whose spec has the operation. */
  since: string;
}
