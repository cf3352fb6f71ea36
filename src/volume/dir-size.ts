// A directory's disk usage as dockerd's directory.Size counts it: apparent sizes of everything below
// it (directories themselves excluded), each hard-linked inode once. Symlinks are not followed.
import fs from 'node:fs/promises';
import path from 'node:path';

export async function dirSize(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries: string[];
    try { entries = await fs.readdir(dir); } catch { return; }
    for (const name of entries) {
      const p = path.join(dir, name);
      let st;
      try { st = await fs.lstat(p, { bigint: true }); } catch { continue; }
      if (st.isDirectory()) { await walk(p); continue; }
      if (st.nlink > 1n) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += Number(st.size);
    }
  };
  await walk(root);
  return total;
}
