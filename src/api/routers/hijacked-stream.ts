// Serves a prepared bidirectional stream (attach, exec start) on a hijacked connection: frames
// non-TTY output with the 8-byte stdcopy header, applies backpressure, feeds stdin, and closes the
// connection when the stream ends. Shared by the containers and exec routers.
import type { Readable } from 'node:stream';
import { frame, StreamId, writeFrame } from '../../internal/stdcopy.js';
import { versionLt } from '../../internal/version.js';
import { waitForDrain } from '../../internal/stream-pumps.js';
import type { RequestContext } from '../server/context.js';
import type { PreparedAttach } from './containers/backend.js';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

/** dockerd (attach and exec start alike) names a multiplexed hijacked stream as such from API 1.42; raw-stream with a TTY or before. */
export function hijackedContentType(version: string, tty: boolean): string {
  return !tty && !versionLt(version, '1.42') ? MULTIPLEXED_STREAM : RAW_STREAM;
}

/** `engineHeaders`: dockerd's exec start answers with Api-Version, Server, …; its attach without. */
export async function serveHijacked(ctx: RequestContext, prepared: PreparedAttach, withStdin: boolean, engineHeaders: boolean): Promise<void> {
  const { socket } = await ctx.hijack(hijackedContentType(ctx.version, prepared.tty), engineHeaders);
  const abort = new AbortController();
  socket.once('close', () => abort.abort());
  socket.on('error', () => abort.abort());
  try {
    await prepared.run({
      output: (stream, data) => {
        if (socket.destroyed) return true;
        return prepared.tty ? socket.write(data) : writeFrame(socket, stream === 'stderr' ? StreamId.Stderr : StreamId.Stdout, data);
      },
      drained: () => waitForDrain(socket),
      // Reading stdin to its end must not destroy the connection: output still flows after EOF.
      ...(withStdin ? { stdin: (socket as Readable).iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer> } : {}),
      signal: abort.signal,
    });
  } catch (err) {
    // The status line is gone already: like dockerd, put the error text into the stream itself.
    if (socket.destroyed) return;
    const text = Buffer.from(`${(err as Error).message}\r\n`);
    socket.write(prepared.tty ? text : frame(StreamId.Stdout, text));
  } finally {
    if (!socket.destroyed) socket.end();
  }
}
