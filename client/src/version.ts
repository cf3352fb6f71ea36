// API version strings ("1.44") compared as numbers, and the negotiation rule.

function parts(v: string): [number, number] {
  const [major = '0', minor = '0'] = v.split('.');
  return [Number(major), Number(minor)];
}

export function compareVersions(a: string, b: string): number {
  const [am, an] = parts(a);
  const [bm, bn] = parts(b);
  return am !== bm ? am - bm : an - bn;
}

export function versionLt(a: string, b: string): boolean {
  return compareVersions(a, b) < 0;
}

/** The docker CLI's rule: the lower of the client's newest version and the server's. */
export function negotiate(clientNewest: string, server: string | undefined): string {
  if (!server) return '1.24';
  return versionLt(server, clientNewest) ? server : clientNewest;
}
