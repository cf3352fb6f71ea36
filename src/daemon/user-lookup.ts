// Resolves a container's User (`name`, `uid`, `uid:gid`, `name:group`) against the image's
// /etc/passwd and /etc/group, with dockerd's error texts, and the HOME runc gives the process.
import { InvalidParameterError } from '../errdefs/index.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

/** Go's strconv.Atoi with the error ignored, as libcontainer's passwd parser does. */
const atoi = (s: string | undefined): number => (s !== undefined && /^[+-]?[0-9]+$/.test(s) ? Number(s) : 0);

/**
 * libcontainer/user's ParsePasswd, which dockerd (user lookup) and runc (HOME) both use: every
 * non-blank line is an entry (no comment syntax), bad numbers read as 0, missing fields as "".
 */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
    const f = l.split(':');
    return { name: f[0] ?? '', uid: atoi(f[2]), gid: atoi(f[3]), home: f[5] ?? '' };
  });
}

/**
 * runc's setupUser: HOME is the home of the first passwd entry with the process's uid, "/" when the
 * image has none (dockerd itself never sets HOME).
 */
export function homeOf(uid: number, passwd: PasswdEntry[]): string {
  return passwd.find((p) => p.uid === uid)?.home ?? '/';
}

export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const f = l.split(':');
    return { name: f[0] ?? '', gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
  }).filter((e) => Number.isInteger(e.gid));
}

const isNumeric = (s: string): boolean => /^[0-9]+$/.test(s);

export function resolveUser(spec: string, passwdText: string | undefined, groupText: string | undefined, groupAdd: string[] = []): ResolvedUser {
  const passwd = parsePasswd(passwdText ?? '');
  const groups = parseGroup(groupText ?? '');
  const [userPart = '', groupPart] = (spec || '').split(':');
  let uid = 0; let gid = 0; let userName = '';
  if (userPart === '') {
    const root = passwd.find((p) => p.uid === 0);
    userName = root?.name ?? 'root';
  } else if (isNumeric(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((p) => p.uid === uid);
    gid = entry?.gid ?? 0;
    userName = entry?.name ?? '';
  } else {
    const entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw new InvalidParameterError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid; gid = entry.gid; userName = entry.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new InvalidParameterError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  // dockerd's getUser (daemon/oci_linux.go, since 20.10.18 / moby 22.06, GHSA-rc4r-wh2q-q6c4): the
  // primary gid first, then runc's supplementary groups (only in the implicit `user` form: the
  // groups listing the user), then --group-add; duplicates are kept, as dockerd keeps them.
  const additional: number[] = [gid];
  const explicitGroup = groupPart !== undefined && groupPart !== '';
  if (userName && !explicitGroup) for (const g of groups) if (g.members.includes(userName)) additional.push(g.gid);
  for (const g of groupAdd) {
    if (isNumeric(g)) additional.push(Number(g));
    else {
      const found = groups.find((x) => x.name === g);
      if (!found) throw new InvalidParameterError(`Unable to find group ${g}: no matching entries in group file`);
      additional.push(found.gid);
    }
  }
  return { uid, gid, additionalGids: additional, home: homeOf(uid, passwd) };
}
