// berthd's integration tests speak the Engine API through @berth/client (raw HTTP stays where a
// test is about the wire itself). One client per berthd and version, closed with the berthd's test.
import assert from 'node:assert/strict';
import { DockerClient, DockerError, type Frame } from '@berth/client';
import type { ApiVersion, NewestApiVersion } from '@berth/client';
import type { Berthd } from './harness.js';

const clients = new Map<string, DockerClient<ApiVersion>>();

/** A client on `d`'s socket, pinned to `version` (default: the newest, as an unversioned path). */
export function clientOf<V extends ApiVersion = NewestApiVersion>(d: Berthd, version?: V): DockerClient<V> {
  const key = `${d.socket}\0${version ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    c = new DockerClient<ApiVersion>({ socketPath: d.socket, version: version ?? '1.55' });
    clients.set(key, c);
  }
  return c as unknown as DockerClient<V>;
}

/** Closes every client of `d` (call it where the berthd is stopped). */
export function closeClients(d: Berthd): void {
  for (const [key, c] of clients) {
    if (!key.startsWith(`${d.socket}\0`)) continue;
    c.close();
    clients.delete(key);
  }
}

/**
 * Asserts that `call` fails with an engine error of class `Class` (status and message checked;
 * `message` a string for equality or a RegExp).
 */
export async function rejectsWith(call: Promise<unknown>, Class: new (...args: never[]) => DockerError, message?: string | RegExp): Promise<DockerError> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Class, `expected ${Class.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

/** The first `n` messages of a JSON stream (the stream is closed after them). */
export async function take<T>(stream: AsyncIterable<T>, n: number): Promise<T[]> {
  const got: T[] = [];
  if (n <= 0) return got;
  for await (const m of stream) {
    got.push(m);
    if (got.length >= n) break;
  }
  return got;
}

/** Container output read in the background: the text so far, a wait for a pattern, the end. */
export interface Watched {
  text(): string;
  /** Resolves once the output matches `re`; rejects if the stream ends first. */
  until(re: RegExp): Promise<string>;
  /** Resolves with the whole output when the stream ends. */
  readonly ended: Promise<string>;
}

export function watch(frames: AsyncIterable<Frame>): Watched {
  let text = '';
  let done = false;
  const waiters: Array<() => void> = [];
  const wake = (): void => { for (const w of waiters.splice(0)) w(); };
  const ended = (async () => {
    try {
      for await (const f of frames) { text += f.data.toString(); wake(); }
    } finally {
      done = true;
      wake();
    }
    return text;
  })();
  ended.catch(() => undefined);
  return {
    text: () => text,
    ended,
    async until(re) {
      while (!re.test(text)) {
        if (done) throw new Error(`stream ended before ${re}: ${JSON.stringify(text)}`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return text;
    },
  };
}
