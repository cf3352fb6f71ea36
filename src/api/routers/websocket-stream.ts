// Serves a prepared attach on a websocket (GET /containers/{id}/attach/ws), as dockerd does: output
// goes out raw, stdout and stderr alike (no stdcopy frames, TTY or not), in binary frames from API
// 1.28 on and text frames before; every message the client sends is the container's stdin. The
// stream ends when the container's output ends, the client detaches, or the websocket closes.
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import type { PreparedAttach } from './containers/backend.js';

/** Output bytes queued on the websocket before output() reports congestion. */
const HIGH_WATER = 1024 * 1024;

export async function serveWebSocket(ws: WebSocket, prepared: PreparedAttach, options: { binary: boolean }): Promise<void> {
  const abort = new AbortController();
  const stdin = new PassThrough();
  let drainWaiters: (() => void)[] = [];
  const wakeDrainWaiters = (): void => {
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const w of waiters) w();
  };
  const onGone = (): void => {
    abort.abort();
    stdin.end();
    wakeDrainWaiters();
  };
  ws.on('close', onGone);
  ws.on('error', onGone);
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    // Backpressure: stop reading the websocket while the container is not taking stdin.
    if (!stdin.write(chunk)) {
      ws.pause();
      stdin.once('drain', () => ws.resume());
    }
  });
  let queued = 0;
  const open = (): boolean => ws.readyState === ws.OPEN;
  try {
    await prepared.run({
      output: (_stream, data) => {
        if (!open()) return true;
        queued += data.length;
        ws.send(data, { binary: options.binary }, () => {
          queued -= data.length;
          if (queued < HIGH_WATER) wakeDrainWaiters();
        });
        return queued < HIGH_WATER;
      },
      drained: () => (queued < HIGH_WATER || !open() ? Promise.resolve() : new Promise((resolve) => drainWaiters.push(resolve))),
      stdin: stdin as AsyncIterable<Buffer>,
      signal: abort.signal,
    });
  } catch (err) {
    if (open()) ws.send(Buffer.from(`${(err as Error).message}\r\n`), { binary: options.binary });
  } finally {
    ws.off('close', onGone);
    ws.off('error', onGone);
    if (open()) ws.close(1000);
    stdin.end();
  }
}
