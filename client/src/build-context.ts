// A directory as a build context: its files (minus what .dockerignore excludes; the Dockerfile and
// .dockerignore themselves are always sent, as the docker CLI does) as a tar stream.
import fs from 'node:fs';
import path from 'node:path';
import { DockerIgnore } from './dockerignore.js';
import { tarStream, type TarEntry } from './tar-writer.js';

async function* walk(root: string, ignore: DockerIgnore, keep: Set<string>, rel = ''): AsyncGenerator<TarEntry> {
  const names = (await fs.promises.readdir(path.join(root, rel))).sort();
  for (const name of names) {
    const relPath = rel ? `${rel}/${name}` : name;
    const full = path.join(root, relPath);
    const st = await fs.promises.lstat(full);
    const ignored = ignore.ignores(relPath) && !keep.has(relPath);
    const base = { name: relPath, mode: st.mode, mtime: st.mtime, uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      if (ignored && ignore.canSkipDirectory(relPath)) continue;
      if (!ignored) yield { ...base, type: 'directory', size: 0 };
      yield* walk(root, ignore, keep, relPath);
    } else if (ignored) {
      continue;
    } else if (st.isSymbolicLink()) {
      yield { ...base, type: 'symlink', size: 0, linkname: await fs.promises.readlink(full) };
    } else if (st.isFile()) {
      yield { ...base, type: 'file', size: st.size, source: full };
    }
  }
}

/** `dockerfile`: the Dockerfile's path relative to the context (default `Dockerfile`). */
export function contextTar(dir: string, dockerfile = 'Dockerfile'): AsyncGenerator<Buffer> {
  let text = '';
  try { text = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8'); } catch { /* none */ }
  const keep = new Set([dockerfile.split(path.sep).join('/'), '.dockerignore']);
  return tarStream(walk(dir, new DockerIgnore(text), keep));
}
