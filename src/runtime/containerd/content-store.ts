// containerd's content store over gRPC. Writes go through the bidi Content.Write stream under the
// image lease so the committed blob is not garbage-collected before an image references it.
import { status as Status } from '@grpc/grpc-js';
import type { ContentInfo, ContentStore } from '../runtime.js';
import type { Connection } from './connection.js';
import { fromGrpcError, grpcCode } from './errors.js';

/** containerd accepts up to 16 MiB per message; 1 MiB chunks keep memory flat and match its reads. */
const CHUNK_SIZE = 1024 * 1024;

interface WireInfo {
  digest: string;
  size: number;
  labels: Record<string, string>;
}

interface WriteResponse {
  action: string;
  offset: number;
  digest: string;
}

async function* chunks(data: AsyncIterable<Buffer> | Buffer): AsyncGenerator<Buffer> {
  const source: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(data) ? [data] : data;
  for await (const buf of source) {
    for (let i = 0; i < buf.length; i += CHUNK_SIZE) yield buf.subarray(i, Math.min(i + CHUNK_SIZE, buf.length));
  }
}

export class ContainerdContentStore implements ContentStore {
  constructor(private readonly conn: Connection) {}

  async info(digest: string): Promise<ContentInfo | undefined> {
    try {
      const res = await this.conn.unary<{ info: WireInfo | null }>('content', 'Info', { digest });
      if (!res.info) return undefined;
      return { digest: res.info.digest, size: res.info.size, labels: { ...res.info.labels } };
    } catch (err) {
      if (grpcCode(err) === Status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  async write(
    ref: string,
    data: AsyncIterable<Buffer> | Buffer,
    options: { expectedDigest: string; size: number; labels?: Record<string, string> },
  ): Promise<void> {
    if (await this.info(options.expectedDigest)) {
      // drain an iterable source so a producer (e.g. an HTTP body) is not left hanging
      if (!Buffer.isBuffer(data)) for await (const _ of data) void _;
      return;
    }
    const stream = await this.conn.bidiStream<WriteResponse>('content', 'Write', { lease: true });
    // Responses: one per request (containerd answers every WRITE); the COMMIT answer ends the call.
    const done = new Promise<void>((resolve, reject) => {
      let committed = false;
      stream.on('data', (res: WriteResponse) => {
        if (res.action === 'COMMIT') committed = true;
      });
      stream.on('error', (err: unknown) => {
        // a concurrent writer committed the same digest first: the blob is there, which is all we want
        if (grpcCode(err) === Status.ALREADY_EXISTS) resolve();
        else reject(fromGrpcError(err, `content write ${ref}`));
      });
      stream.on('end', () => {
        if (committed) resolve();
        else reject(fromGrpcError(new Error(`content write ${ref}: stream ended before commit`)));
      });
    });
    // keep `done` from becoming an unhandled rejection while we are still sending
    done.catch(() => undefined);

    let failed = false;
    // a write waiting for 'drain' also ends when the call fails (e.g. ENOSPC in containerd's ingest):
    // a failed call never drains, and the pull or load waiting on it would hang
    const send = (msg: object): Promise<void> =>
      new Promise<void>((resolve) => {
        if (failed || stream.write(msg)) { resolve(); return; }
        const go = (): void => {
          stream.off('drain', go); stream.off('error', go); stream.off('close', go);
          resolve();
        };
        stream.on('drain', go); stream.on('error', go); stream.on('close', go);
      });

    let offset = 0;
    const onFail = (): void => {
      failed = true;
    };
    stream.once('error', onFail);
    try {
      for await (const chunk of chunks(data)) {
        if (failed) break;
        await send({
          action: 'WRITE',
          ref,
          total: options.size,
          expected: options.expectedDigest,
          offset,
          data: chunk,
        });
        offset += chunk.length;
      }
      if (!failed) {
        await send({
          action: 'COMMIT',
          ref,
          total: options.size,
          expected: options.expectedDigest,
          offset,
          labels: options.labels ?? {},
        });
        stream.end();
      }
    } catch (err) {
      // the source failed: abandon the write; the partial ingest is cleaned up by Abort
      // Half-close instead of cancelling: containerd then handles every WRITE already sent before it
      // ends the call, so the Abort below cannot run before the ingest exists (it would find nothing
      // and the partial ingest would stay on disk). The lock may still be held briefly: retry.
      if (!failed) stream.end();
      else stream.cancel();
      await done.catch(() => undefined);
      await this.abortIngest(ref);
      throw err;
    } finally {
      stream.off('error', onFail);
    }
    try {
      await done;
    } catch (err) {
      // containerd failed the write (a full disk, ...): it keeps the partial ingest for a resume
      // that never comes, so it goes now
      if (failed) await this.abortIngest(ref);
      throw err;
    }
  }

  /** Drops a partial ingest; its writer may still hold the ref's lock for a moment: retry. */
  private async abortIngest(ref: string): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const aborted = await this.conn.unary('content', 'Abort', { ref }).then(() => true, (e: unknown) => grpcCode(e) === Status.NOT_FOUND);
      if (aborted) return;
      await new Promise((r) => setTimeout(r, 20 * (i + 1)));
    }
  }

  read(digest: string): AsyncIterable<Buffer> {
    const conn = this.conn;
    return {
      async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
        const stream = conn.serverStream<{ data: Buffer }>('content', 'Read', { digest, offset: 0, size: 0 });
        try {
          for await (const msg of stream as AsyncIterable<{ data: Buffer }>) {
            if (msg.data.length > 0) yield msg.data;
          }
        } catch (err) {
          throw fromGrpcError(err);
        } finally {
          // the consumer stopped early: stop the server side too
          stream.cancel();
        }
      },
    };
  }

  async delete(digest: string): Promise<void> {
    await this.conn.unary('content', 'Delete', { digest });
  }
}
