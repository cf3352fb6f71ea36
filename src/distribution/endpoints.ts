// Where a registry name is reached: Docker Hub's index name "docker.io" is served by
// registry-1.docker.io (after any --registry-mirror); other registries by their host over HTTPS,
// and over plain HTTP too when they are insecure (loopback, --insecure-registry), as in dockerd.
import { DEFAULT_DOMAIN } from '../image/reference.js';
import { loadCerts, type TlsSettings } from './http-transport.js';
import { isInsecureRegistry, type RegistryConfig } from './registry-config.js';

export const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

export interface Endpoint {
  /** scheme://host[:port], no trailing slash */
  base: URL;
  tls: TlsSettings;
  mirror: boolean;
}

/** "https://index.docker.io/v1/", "docker.io", "127.0.0.1:5000" → the registry's index name. */
export function indexNameOf(serverAddress: string | undefined): string {
  if (!serverAddress) return DEFAULT_DOMAIN;
  const host = serverAddress.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io' || host === '') return DEFAULT_DOMAIN;
  return host;
}

export async function endpointsFor(indexName: string, config: RegistryConfig): Promise<Endpoint[]> {
  if (indexName === DEFAULT_DOMAIN) {
    const mirrors = config.mirrors.map((m) => ({ base: new URL(m.replace(/\/+$/, '')), tls: { verify: true }, mirror: true }));
    return [...mirrors, { base: new URL(DOCKER_HUB_REGISTRY), tls: { verify: true }, mirror: false }];
  }
  const certs = loadCerts(config.certsDirs, indexName);
  const secure: Endpoint = { base: new URL(`https://${indexName}`), tls: { verify: true, ...certs }, mirror: false };
  if (!(await isInsecureRegistry(indexName, config))) return [secure];
  return [{ ...secure, tls: { ...secure.tls, verify: false } }, { base: new URL(`http://${indexName}`), tls: { verify: false }, mirror: false }];
}
