// Fans a running container's output out to its log driver and to every attached client, and
// holds its stdin. Lives as long as the container so clients can attach before it starts.
import type { Writable } from 'node:stream';

export type OutputStream = 'stdout' | 'stderr';

export interface AttachSubscriber {
  output(stream: OutputStream, data: Buffer): void;
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

  publish(stream: OutputStream, data: Buffer): void {
    for (const s of this.subscribers) s.output(stream, data);
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
