// A committed layer should hold what the container changed, not the mount points runc created for
// it (/etc/hosts, /etc/hostname, /etc/resolv.conf, /dev, …), which dockerd keeps in a separate init
// layer. When the container's upper directory has such entries, the layer blob Diff.Diff wrote is
// rewritten without them.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import tar from 'tar-stream';
import type { ContentStore, Descriptor } from '../runtime/runtime.js';
import { isInitPath } from './container-changes.js';

/** Copies the tar blob `desc` without the entries in `drop` into a new blob; returns its descriptor. */
export async function withoutInitPaths(
  content: ContentStore,
  desc: Descriptor,
  drop: ReadonlySet<string>,
  /** release: drops the original blob unless something else holds it */
  options: { release: (digest: string) => Promise<void>; tmpDir: string },
): Promise<Descriptor> {
  await fs.promises.mkdir(options.tmpDir, { recursive: true, mode: 0o700 });
  const dir = await fs.promises.mkdtemp(path.join(options.tmpDir, 'berth-commit-'));
  const file = path.join(dir, 'layer.tar');
  try {
    const hash = createHash('sha256');
    let size = 0;
    const extract = tar.extract();
    const pack = tar.pack();
    const out = fs.createWriteStream(file);
    const written = (async () => {
      for await (const chunk of pack as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    })();
    extract.on('entry', (header, stream, next) => {
      const rel = `/${header.name.replace(/^\.?\//, '').replace(/\/$/, '')}`;
      if (drop.has(rel) || isInitPath(rel)) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const entry = pack.entry(header, (err) => (err ? extract.destroy(err) : next()));
      stream.pipe(entry);
    });
    const extracted = new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
    });
    written.catch(() => undefined);
    try {
      for await (const chunk of content.read(desc.digest)) {
        if (!extract.write(chunk)) await once(extract as unknown as NodeJS.EventEmitter, 'drain');
      }
      (extract as unknown as NodeJS.WritableStream).end();
      await extracted;
      pack.finalize();
      await written;
    } catch (err) {
      pack.destroy();
      out.destroy();
      throw err;
    }
    const digest = `sha256:${hash.digest('hex')}`;
    if (digest !== desc.digest) {
      await content.write(`berth-commit-${digest.slice(7, 19)}`, fs.createReadStream(file), { expectedDigest: digest, size });
      await options.release(desc.digest);
    }
    return { mediaType: desc.mediaType, digest, size };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
