// What the containers router needs from the daemon. Results are in the newest (v1.55) shape;
// shape.ts downgrades them for older API versions.
import type { ContainerCreateBody, HostConfig } from '../../types/container.js';
import type { ContainerUpdateBody } from '../../types/host-config.js';

export interface ContainerCreateResult { Id: string; Warnings: string[] }

export interface ContainerListOptions {
  all: boolean;
  limit?: number;
  size: boolean;
  filters: Record<string, string[]>;
}

export type ContainerSummary = Record<string, unknown> & { Id: string };
export type ContainerInspect = Record<string, unknown> & { Id: string };

/**
 * Key of an inspect result holding the container-wide MAC address a client set at create (shown as
 * Config.MacAddress before 1.52); never sent as it is: shapeInspect removes or moves it.
 */
export const LEGACY_MAC_ADDRESS = '__legacyMacAddress';

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: number;
  since?: Date;
  until?: Date;
  timestamps: boolean;
  details: boolean;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  line: Buffer;
  timeText: string;
  /** log-opt labels/env attributes, for `details` */
  attrs?: Record<string, string>;
}

export interface AttachOptions {
  stream: boolean;
  logs: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys?: string;
}

/** The byte sinks and sources of one attached client. */
export interface AttachIO {
  /** false when the client connection is congested; wait for drained() before sending more */
  output(stream: 'stdout' | 'stderr', data: Buffer): boolean;
  drained(): Promise<void>;
  /** the client's stdin (the hijacked connection), when stdin was requested */
  stdin?: AsyncIterable<Buffer>;
  signal: AbortSignal;
}

export interface PreparedAttach {
  tty: boolean;
  /** Runs until the container's output ends, the client detaches or goes away. */
  run(io: AttachIO): Promise<void>;
}

export interface WaitResponse { StatusCode: number; Error?: { Message: string } | null }

// The backend in parts, one per daemon module that owns the behaviour; the router takes them all.
export interface ContainerCreateBackend {
  containerCreate(name: string | undefined, body: ContainerCreateBody): Promise<ContainerCreateResult>;
}

export interface ContainerStartBackend {
  containerStart(ref: string, legacyHostConfig?: HostConfig): Promise<void>;
}

export interface ContainerStopBackend {
  containerStop(ref: string, options: { timeout?: number; signal?: string }): Promise<void>;
  containerRestart(ref: string, options: { timeout?: number; signal?: string }): Promise<void>;
  containerKill(ref: string, signal?: string): Promise<void>;
}

export interface ContainerRemoveBackend {
  containerRemove(ref: string, options: { force: boolean; removeVolumes: boolean; link: boolean }): Promise<void>;
}

export interface ContainerQueryBackend {
  /** Resolves once the wait is registered (so the router can send headers); `result` when it is met. */
  containerWait(ref: string, condition: 'not-running' | 'next-exit' | 'removed', signal: AbortSignal): Promise<{ result: Promise<WaitResponse> }>;
  containerList(options: ContainerListOptions): Promise<ContainerSummary[]>;
  containerInspect(ref: string, options: { size: boolean }): Promise<ContainerInspect>;
}

export interface ContainerStreamsBackend {
  /** `entries` come in batches, so a batch can be written to the client at once */
  containerLogs(ref: string, options: LogsOptions, signal: AbortSignal): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry[]> }>;
  containerAttach(ref: string, options: AttachOptions): Promise<PreparedAttach>;
  containerResize(ref: string, height: number, width: number): Promise<void>;
}

export interface ContainerUpdateBackend {
  containerUpdate(ref: string, update: ContainerUpdateBody): Promise<{ Warnings: string[] }>;
}

export interface ContainerBackend extends ContainerCreateBackend, ContainerStartBackend, ContainerStopBackend,
  ContainerRemoveBackend, ContainerQueryBackend, ContainerStreamsBackend, ContainerUpdateBackend {}
