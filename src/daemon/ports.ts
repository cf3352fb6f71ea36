// The daemon's view of its collaborators other than the runtime: images, log files and task FIFOs.
// Wiring (src/cmd/berthd.ts) adapts the concrete modules to these.
import type { Socket } from 'node:net';
import type { ReadJsonLogOptions } from '../logger/json-file-reader.js';
import type { LogDriverSettings } from '../logger/log-config.js';
import type { TaskIOPaths } from '../runtime/runtime.js';
import type { Container } from './container.js';
import type { ImageConfigLike } from './image-config.js';

export interface ContainerImage {
  /** sha256:... */
  id: string;
  config: ImageConfigLike;
  /** the snapshot the container's rootfs is prepared from ('' for an image without layers) */
  topChainId: string;
}

export interface ImagesPort {
  /** Throws NotFoundError(`No such image: ...`) */
  resolveForContainer(ref: string): ContainerImage;
  count(): number;
}

/** A container's disk usage (`size=1` on list and inspect). */
export type ContainerSizePort = (c: Container) => Promise<{ SizeRw: number; SizeRootFs: number }>;

export interface LogWriterPort {
  /** false when too much waits for the disk: pause the source until drain() resolves */
  write(stream: 'stdout' | 'stderr', chunk: Buffer): boolean;
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface LogRecordPort {
  stream: 'stdout' | 'stderr';
  line: Buffer;
  time: Date;
  timeText: string;
  attrs?: Record<string, string>;
}

export type LogReadOptions = ReadJsonLogOptions;

export interface LogsPort {
  /** `settings.driver` is json-file or local ('none' opens no writer) */
  openWriter(path: string, settings: LogDriverSettings): LogWriterPort;
  /** the records in batches (one per block read); each record's line stays valid */
  read(path: string, options: LogReadOptions): AsyncIterable<LogRecordPort[]>;
}

export interface TaskFifosPort {
  paths: TaskIOPaths;
  stdout: Socket;
  stderr?: Socket;
  stdin?: Socket;
  /** closes our ends */
  close(): void;
}

export interface FifosPort {
  create(dir: string, options: { stdin: boolean; terminal: boolean }): Promise<TaskFifosPort>;
  /** Reopens FIFOs that a running task still has (after a daemon restart). */
  reopen(paths: TaskIOPaths): Promise<TaskFifosPort>;
  /** A container's logged FIFOs: output relayed through a copier that outlives berthd (src/logrelay). */
  createLogged(dir: string, options: { stdin: boolean; terminal: boolean }): Promise<LoggedFifosPort>;
  /** Takes over a logged task's relays after a restart; `running: false`: only drain what was spooled. */
  reopenLogged(paths: TaskIOPaths, options: { running: boolean }): Promise<LoggedFifosPort>;
  /** Was this task's output relayed (createLogged)? Its copier may still read the FIFOs. */
  isRelayed(paths: TaskIOPaths): boolean;
}

/** One output stream of a container's task (read by berthd itself, or relayed). */
export interface OutputSourcePort {
  /**
   * Hands each chunk to `sink` until the output ends (a promise returned pauses it). With `log`, each
   * chunk is journaled against that log first: `sink` must have written it there when it returns.
   */
  pump(sink: (chunk: Buffer) => Promise<unknown> | undefined, log?: { path: string; stream: 'stdout' | 'stderr' }): Promise<void>;
}

export interface LoggedFifosPort {
  paths: TaskIOPaths;
  stdout: OutputSourcePort;
  stderr?: OutputSourcePort;
  stdin?: Socket;
  /** Stops reading; the output waits (spooled) for the next berthd (--live-restore shutdown). */
  release(): void;
  /** Stops reading and ends the copiers (the task is gone). */
  close(): void;
}
