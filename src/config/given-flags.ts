// Which flags a command line set explicitly (by long name), so a daemon.json key that repeats one is
// refused as dockerd refuses it, and a file value replaces only a default.
const SHORT: Record<string, string> = { b: 'bridge', H: 'host', l: 'log-level', D: 'debug', p: 'pidfile', G: 'group', v: 'version', h: 'help' };

export function givenFlags(argv: string[]): Set<string> {
  const given = new Set<string>();
  for (const arg of argv) {
    if (arg === '--') break;
    const long = /^--([a-z][a-z0-9-]*)(?:=|$)/.exec(arg);
    if (long) { given.add(long[1]!); continue; }
    const short = /^-([a-zA-Z]+)/.exec(arg);
    if (short) {
      // -DH tcp://… bundles: each letter is a flag until one that takes a value
      for (const ch of short[1]!) {
        const name = SHORT[ch];
        if (name) given.add(name);
        if (name && name !== 'debug' && name !== 'version' && name !== 'help') break;
      }
    }
  }
  return given;
}
