// Writes a container path as a tar stream, as dockerd's TarWithOptions does for GET .../archive:
// entries named from the path's base (renamed to `rebase`), directories walked in lexical order
// with a trailing `/`, links not followed, hard links kept as links, sockets skipped. Children are
// listed in the container's view, so a volume mounted below a stopped container's directory is in it.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';
import { hostPathOf, mountChildren, type ContainerView } from './container-view.js';

type EntryType = 'file' | 'link' | 'symlink' | 'directory' | 'character-device' | 'block-device' | 'fifo';

function entryType(st: fs.Stats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isFIFO()) return 'fifo';
  return undefined;
}

/**
 * The tar of container path `cpath` (already resolved but for its last component), its top entry
 * named `rebase`. Entries are written lazily as the consumer reads.
 */
export function tarContainerPath(view: ContainerView, cpath: string, rebase: string, signal?: AbortSignal): AsyncIterable<Buffer> {
  const pack = tar.pack();
  const seen = new Map<string, string>();

  const addEntry = async (cp: string, name: string): Promise<void> => {
    if (signal?.aborted) throw signal.reason;
    const host = hostPathOf(view, cp);
    let st: fs.Stats;
    try { st = fs.lstatSync(host); } catch { return; }
    const type = entryType(st);
    if (!type) return;
    const header: Partial<Header> & { name: string } = {
      name: type === 'directory' ? `${name}/` : name,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: st.mtime,
      type,
      size: 0,
    };
    if (type === 'symlink') header.linkname = fs.readlinkSync(host);
    if (type === 'character-device' || type === 'block-device') {
      header.devmajor = Math.floor(st.rdev / 256) & 0xfff;
      header.devminor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
    }
    if (type === 'file' && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = seen.get(key);
      if (first !== undefined) { header.type = 'link'; header.linkname = first; }
      else seen.set(key, name);
    }
    if (header.type === 'file') {
      header.size = st.size;
      const entry = pack.entry(header);
      await pipeline(fs.createReadStream(host), entry);
    } else {
      await new Promise<void>((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
    }
    if (type === 'directory') {
      const names = new Set(fs.readdirSync(host));
      for (const m of mountChildren(view, cp)) names.add(m);
      for (const child of [...names].sort()) await addEntry(path.posix.join(cp, child), `${name}/${child}`);
    }
  };

  void addEntry(cpath, rebase).then(() => pack.finalize(), (err: unknown) => pack.destroy(err as Error));
  return pack as AsyncIterable<Buffer>;
}
