// Credentials a client hands the daemon: the X-Registry-Auth header (base64url JSON, padding
// optional, as dockerd's registry.DecodeAuthConfig accepts it) and the body of POST /auth.
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

function fromObject(raw: unknown): AuthConfig {
  if (typeof raw !== 'object' || raw === null) return {};
  const o = raw as Record<string, unknown>;
  const pick = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const hit = Object.keys(o).find((x) => x.toLowerCase() === k);
      if (hit !== undefined && typeof o[hit] === 'string' && o[hit] !== '') return o[hit] as string;
    }
    return undefined;
  };
  const out: AuthConfig = {};
  const set = (key: keyof AuthConfig, value: string | undefined): void => { if (value !== undefined) out[key] = value; };
  set('username', pick('username'));
  set('password', pick('password'));
  set('auth', pick('auth'));
  set('email', pick('email'));
  set('serveraddress', pick('serveraddress'));
  set('identitytoken', pick('identitytoken'));
  set('registrytoken', pick('registrytoken'));
  // "auth" is base64("user:password") (the CLI's config file form)
  if (out.auth && !out.username) {
    const text = Buffer.from(out.auth, 'base64').toString('utf8');
    const i = text.indexOf(':');
    if (i > 0) { out.username = text.slice(0, i); out.password = text.slice(i + 1); }
  }
  return out;
}

/** X-Registry-Auth: an empty or undecodable header means anonymous (dockerd logs and goes on). */
export function decodeAuthHeader(header: string | string[] | undefined): AuthConfig {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return {};
  try {
    const json = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return fromObject(JSON.parse(json));
  } catch {
    return {};
  }
}

export function authFromBody(body: unknown): AuthConfig {
  return fromObject(body);
}

export function hasCredentials(auth: AuthConfig): boolean {
  return Boolean((auth.username && auth.password !== undefined) || auth.identitytoken || auth.registrytoken);
}

/**
 * X-Registry-Config (build): base64url JSON of registry address → AuthConfig, as the CLI sends every
 * credential it has. `authFor` picks the entry of a registry index name ("docker.io", "host:port").
 */
/** A decoded registry-config map (address → AuthConfig-like object), each entry normalized. */
export function authConfigsFrom(raw: Record<string, unknown>): Record<string, AuthConfig> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, fromObject(v)]));
}

export function decodeRegistryConfigHeader(header: string | string[] | undefined): Record<string, AuthConfig> {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return {};
  try {
    const raw = JSON.parse(Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, fromObject(v)]));
  } catch {
    return {};
  }
}

export function authFor(configs: Record<string, AuthConfig>, indexName: string): AuthConfig {
  for (const [key, auth] of Object.entries(configs)) {
    const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    const name = host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
    if (name === indexName) return auth;
  }
  return {};
}
