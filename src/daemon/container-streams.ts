// Fans a running container's output out to its log driver and to every attached client, and
// holds its stdin. Lives as long as the container so clients can attach before it starts.
import type { Writable } from 'node:stream';

export type OutputStream = 'stdout' | 'stderr';

export interface AttachSubscriber {
  /** returns false when the client is congested: the container's output then waits for drained() */
  output(stream: OutputStream, data: Buffer): boolean;
  drained(): Promise<void>;
  /** the container's output ended (it exited) */
  end(): void;
}

export class ContainerStreams {
  private subscribers = new Set<AttachSubscriber>();
  /** the container's stdin FIFO while it runs with OpenStdin */
  private stdinWriter: Writable | undefined;
  private stdinWaiters: Array<(w: Writable) => void> = [];

  get stdin(): Writable | undefined {
    return this.stdinWriter;
  }

  setStdin(w: Writable | undefined): void {
    this.stdinWriter = w;
    if (!w) return;
    const waiters = this.stdinWaiters;
    this.stdinWaiters = [];
    for (const resolve of waiters) resolve(w);
  }

  /** Resolves with the stdin FIFO once the container runs (clients may attach before start). */
  whenStdin(): Promise<Writable> {
    if (this.stdinWriter && !this.stdinWriter.destroyed) return Promise.resolve(this.stdinWriter);
    return new Promise((resolve) => this.stdinWaiters.push(resolve));
  }

  subscribe(s: AttachSubscriber): () => void {
    this.subscribers.add(s);
    return () => { this.subscribers.delete(s); };
  }

  /**
   * Sends output to every attached client. Resolves (or returns undefined at once) when all can
   * take more: a slow attached client slows the container's output, as with dockerd.
   */
  publish(stream: OutputStream, data: Buffer): Promise<void> | undefined {
    let waits: Array<Promise<void>> | undefined;
    for (const s of this.subscribers) {
      if (!s.output(stream, data)) (waits ??= []).push(s.drained());
    }
    return waits ? Promise.all(waits).then(() => undefined) : undefined;
  }

  endAll(): void {
    const subs = [...this.subscribers];
    this.subscribers.clear();
    for (const s of subs) s.end();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
