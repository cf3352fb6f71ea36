// One registry endpoint with one set of credentials: the /v2/ ping, and the Authorization header
// each request needs — Basic, or a Bearer token from the realm the registry's challenge names
// (anonymous or with the credentials), kept and reused until it expires.
import { UnauthorizedError } from '../errdefs/errors.js';
import type { AuthConfig } from './auth-config.js';
import type { Endpoint } from './endpoints.js';
import { goUrlError, readBody, request, type RequestOptions, type Response } from './http-transport.js';
import { parseRegistryErrors } from './registry-errors.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';

interface CachedToken {
  token: string;
  expires: number;
}

/** Tokens shared by every session of the daemon, keyed by realm, service, scopes and user. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (Date.now() >= t.expires) { this.tokens.delete(key); return undefined; }
    return t.token;
  }

  set(key: string, token: string, expiresInSeconds: number): void {
    // a little early, so a token does not expire in flight
    this.tokens.set(key, { token, expires: Date.now() + Math.max(expiresInSeconds - 5, 1) * 1000 });
    if (this.tokens.size > 1000) this.tokens.delete(this.tokens.keys().next().value as string);
  }
}

export interface TokenResult {
  token: string;
  refreshToken?: string;
}

export class RegistrySession {
  private challenge: Challenge | undefined;
  private pinged = false;
  /** refresh token the registry issued on login (becomes the CLI's IdentityToken) */
  refreshToken: string | undefined;

  constructor(readonly endpoint: Endpoint, readonly auth: AuthConfig, private readonly tokens: TokenCache) {}

  url(path: string): URL {
    return new URL(path, this.endpoint.base);
  }

  /** GET /v2/: learns the auth challenge. Throws on transport errors (no registry there). */
  async ping(signal?: AbortSignal): Promise<Response> {
    const url = this.url('/v2/');
    const res = await request(url, { method: 'GET', tls: this.endpoint.tls, ...(signal ? { signal } : {}) });
    await readBody(res).catch(() => Buffer.alloc(0));
    this.pinged = true;
    if (res.status === 401) {
      const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
      this.challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    }
    return res;
  }

  get authScheme(): string | undefined {
    return this.challenge?.scheme;
  }

  private basicHeader(): string | undefined {
    if (!this.auth.username || this.auth.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
  }

  /** The Authorization header for requests under `scopes` ("repository:name:pull,push"). */
  async authorization(scopes: string[], signal?: AbortSignal): Promise<string | undefined> {
    if (!this.pinged) await this.ping(signal);
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') return this.basicHeader();
    if (this.auth.registrytoken) return `Bearer ${this.auth.registrytoken}`;
    const token = await this.fetchToken(scopes, signal);
    return `Bearer ${token.token}`;
  }

  async fetchToken(scopes: string[], signal?: AbortSignal): Promise<TokenResult> {
    const ch = this.challenge;
    const realm = ch?.params.realm;
    if (!realm) throw new UnauthorizedError('no realm in the registry\'s authentication challenge');
    const service = ch.params.service ?? '';
    const allScopes = [...new Set([...scopes, ...(ch.params.scope ? ch.params.scope.split(' ') : [])])].filter(Boolean);
    const key = JSON.stringify([realm, service, allScopes.sort(), this.auth.username ?? '', this.auth.identitytoken ?? '']);
    const cached = this.tokens.get(key);
    if (cached) return { token: cached };

    const url = new URL(realm);
    let res: Response;
    if (this.auth.identitytoken) {
      // OAuth2 refresh-token grant, as dockerd does with an identity token
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.auth.identitytoken, service, client_id: 'docker', scope: allScopes.join(' ') });
      res = await request(url, {
        method: 'POST', body: Buffer.from(form.toString()), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        tls: this.endpoint.tls, ...(signal ? { signal } : {}),
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of allScopes) url.searchParams.append('scope', s);
      const basic = this.basicHeader();
      if (basic) {
        url.searchParams.set('account', this.auth.username ?? '');
        url.searchParams.set('offline_token', 'true');
        url.searchParams.set('client_id', 'docker');
      }
      const opts: RequestOptions = { method: 'GET', tls: this.endpoint.tls, ...(basic ? { headers: { Authorization: basic } } : {}), ...(signal ? { signal } : {}) };
      res = await request(url, opts);
    }
    const body = await readBody(res);
    if (res.status !== 200) {
      const err = parseRegistryErrors(res.status, res.statusText, body.toString());
      throw new UnauthorizedError(goUrlError(this.auth.identitytoken ? 'POST' : 'GET', url, err.entries.length ? err.message : `unauthorized: ${res.status} ${res.statusText}`.trim()));
    }
    const parsed = JSON.parse(body.toString() || '{}') as { token?: string; access_token?: string; expires_in?: number; refresh_token?: string };
    const token = parsed.access_token || parsed.token;
    if (!token) throw new UnauthorizedError('authorization server did not include a token in the response');
    this.tokens.set(key, token, parsed.expires_in && parsed.expires_in > 0 ? parsed.expires_in : 60);
    if (parsed.refresh_token) this.refreshToken = parsed.refresh_token;
    return { token, ...(parsed.refresh_token ? { refreshToken: parsed.refresh_token } : {}) };
  }

  /**
   * A request with the credentials its scopes need. A 401 on a request whose body can be sent again
   * gets one retry with a fresh token (the registry may have asked for another scope).
   */
  async send(path: string | URL, options: RequestOptions, scopes: string[]): Promise<Response> {
    const url = typeof path === 'string' ? this.url(path) : path;
    const sendWith = async (authz: string | undefined): Promise<Response> => {
      const headers = { ...options.headers };
      if (authz) headers.Authorization = authz;
      return request(url, { ...options, headers, tls: this.endpoint.tls });
    };
    const authz = await this.authorization(scopes, options.signal);
    const res = await sendWith(authz);
    if (res.status !== 401 || this.challenge?.scheme !== 'bearer' || (options.body !== undefined && !Buffer.isBuffer(options.body))) return res;
    const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (!bearer?.params.scope) return res;
    await readBody(res).catch(() => undefined);
    const token = await this.fetchToken([...scopes, ...bearer.params.scope.split(' ')], options.signal);
    return sendWith(`Bearer ${token.token}`);
  }

  /** What an unauthenticated request to a Basic registry fails with in dockerd. */
  missingBasicCredentials(): boolean {
    return this.challenge?.scheme === 'basic' && !this.basicHeader();
  }
}
