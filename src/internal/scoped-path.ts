// A path as a container sees it, resolved to a host path under its root: symlinks are followed
// component by component with the root as `/`, so neither an absolute link nor `..` leaves the root
// (what dockerd's FollowSymlinkInScope guarantees). A missing component ends the walk literally.
import fs from 'node:fs';
import path from 'node:path';

const MAX_LINKS = 255;

export function resolveInRoot(root: string, p: string): string {
  const pending = p.split('/').filter(Boolean);
  let resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') { resolved.pop(); continue; }
    const host = path.join(root, ...resolved, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(host);
    } catch {
      resolved.push(part, ...pending.filter((x) => x !== '.'));
      break;
    }
    if (!st.isSymbolicLink()) { resolved.push(part); continue; }
    if (++links > MAX_LINKS) throw new Error(`too many links in ${p}`);
    const target = fs.readlinkSync(host);
    if (target.startsWith('/')) resolved = [];
    pending.unshift(...target.split('/').filter(Boolean));
  }
  // `..` left in a missing tail must not climb out either
  const out = path.join(root, ...resolved);
  return out === root || out.startsWith(root.endsWith('/') ? root : `${root}/`) ? out : root;
}
