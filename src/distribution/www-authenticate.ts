// The WWW-Authenticate challenge of a registry (RFC 7235): `Bearer realm="…",service="…",scope="…"`
// or `Basic realm="…"`. Several challenges may share one header.
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const out: Challenge[] = [];
  for (const value of values) {
    let i = 0;
    let current: Challenge | undefined;
    const skipWs = (): void => { while (i < value.length && /[\s,]/.test(value[i]!)) i++; };
    while (i < value.length) {
      skipWs();
      const tokenMatch = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(value.slice(i));
      if (!tokenMatch) break;
      const token = tokenMatch[0];
      i += token.length;
      while (i < value.length && value[i] === ' ') i++;
      if (value[i] === '=') {
        i++;
        while (i < value.length && value[i] === ' ') i++;
        let v = '';
        if (value[i] === '"') {
          i++;
          while (i < value.length && value[i] !== '"') {
            if (value[i] === '\\' && i + 1 < value.length) i++;
            v += value[i];
            i++;
          }
          i++;
        } else {
          const m = /^[^,\s]*/.exec(value.slice(i));
          v = m ? m[0] : '';
          i += v.length;
        }
        if (current) current.params[token.toLowerCase()] = v;
      } else {
        current = { scheme: token.toLowerCase(), params: {} };
        out.push(current);
      }
    }
  }
  return out;
}
