// Bearer token auth against an in-process registry and token server on 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistrySession, TokenCache } from './registry-session.js';
import { Repository } from './repository.js';

let server: http.Server;
let base = '';
const tokenRequests: URLSearchParams[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/token') {
      tokenRequests.push(url.searchParams);
      const basic = req.headers.authorization;
      if (basic && basic !== `Basic ${Buffer.from('alice:pw').toString('base64')}`) { res.writeHead(401); res.end('{"details":"bad"}'); return; }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: `tok-${url.searchParams.getAll('scope').join('+')}`, expires_in: 300, ...(basic ? { refresh_token: 'refresh-1' } : {}) }));
      return;
    }
    const challenge = `Bearer realm="${base}/token",service="test-registry"`;
    if (url.pathname === '/v2/') { res.writeHead(401, { 'WWW-Authenticate': challenge }); res.end(); return; }
    if (url.pathname === '/v2/lib/x/tags/list') {
      if (req.headers.authorization !== 'Bearer tok-repository:lib/x:pull') {
        res.writeHead(401, { 'WWW-Authenticate': `${challenge},scope="repository:lib/x:pull"` });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"name":"lib/x","tags":["1","2"]}');
      return;
    }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => { server.close(); server.closeAllConnections(); });

test('bearer: a token for the repository scope, fetched once and reused', async () => {
  const tokens = new TokenCache();
  const session = new RegistrySession({ base: new URL(base), tls: { verify: false }, mirror: false }, {}, tokens);
  const repo = new Repository(session, 'lib/x');
  assert.deepEqual(await repo.tags(), ['1', '2']);
  assert.deepEqual(await repo.tags(), ['1', '2']);
  assert.equal(tokenRequests.length, 1);
  assert.equal(tokenRequests[0]!.get('service'), 'test-registry');
  assert.deepEqual(tokenRequests[0]!.getAll('scope'), ['repository:lib/x:pull']);
  // another session shares the daemon's cache
  const other = new Repository(new RegistrySession({ base: new URL(base), tls: { verify: false }, mirror: false }, {}, tokens), 'lib/x');
  assert.deepEqual(await other.tags(), ['1', '2']);
  assert.equal(tokenRequests.length, 1);
});

test('bearer with credentials: the account is sent, a refresh token comes back; bad ones are refused', async () => {
  const good = new RegistrySession({ base: new URL(base), tls: { verify: false }, mirror: false }, { username: 'alice', password: 'pw' }, new TokenCache());
  await good.ping();
  assert.equal(good.authScheme, 'bearer');
  const t = await good.fetchToken([]);
  assert.equal(t.refreshToken, 'refresh-1');
  assert.equal(tokenRequests.at(-1)!.get('account'), 'alice');
  const bad = new RegistrySession({ base: new URL(base), tls: { verify: false }, mirror: false }, { username: 'alice', password: 'wrong' }, new TokenCache());
  await bad.ping();
  await assert.rejects(bad.fetchToken([]), /unauthorized: 401/);
});
