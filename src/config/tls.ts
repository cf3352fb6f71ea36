// TLS for TCP listeners, as dockerd: --tls serves TLS, --tlsverify (which implies --tls) also demands
// a client certificate signed by --tlscacert. A TCP listener without client authentication is only
// allowed on loopback, or anywhere when the operator said so explicitly (--tls=false/--tlsverify=false).
import fs from 'node:fs';
import net from 'node:net';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

export interface TlsSettings {
  tls?: boolean;
  tlsVerify?: boolean;
  tlsCaCert: string;
  tlsCert: string;
  tlsKey: string;
}

export interface TlsMode {
  enabled: boolean;
  verify: boolean;
}

export function tlsMode(s: TlsSettings): TlsMode {
  const verify = s.tlsVerify === true;
  return { enabled: verify || s.tls === true, verify };
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`could not load ${what} ${file}: ${(err as Error).message}`);
  }
}

/** Server options for node's tls/https, or undefined when TLS is off. Reads the files now. */
export function serverTlsOptions(s: TlsSettings): TlsOptions | undefined {
  const mode = tlsMode(s);
  if (!mode.enabled) return undefined;
  const base: SecureContextOptions = {
    cert: readPem(s.tlsCert, 'X509 key pair: certificate'),
    key: readPem(s.tlsKey, 'X509 key pair: key'),
    minVersion: 'TLSv1.2',
  };
  if (!mode.verify) return base;
  return { ...base, ca: readPem(s.tlsCaCert, 'CA certificate'), requestCert: true, rejectUnauthorized: true };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1';
  return false;
}

/**
 * The start-up check of every TCP address: warnings (dockerd's wording) for any TCP listener without
 * client authentication, and an error for one beyond loopback that nobody explicitly allowed.
 */
export function checkTcpAuth(addr: string, s: TlsSettings, warn: (msg: string) => void): void {
  if (tlsMode(s).verify) return;
  const host = `tcp://${addr}`;
  warn(`Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network. host="${host}"`);
  warn(`Binding to an IP address, even on localhost, can also give access to scripts run in a browser. Be safe out there! host="${host}"`);
  const explicit = s.tls !== undefined || s.tlsVerify !== undefined;
  if (explicit) return;
  const ip = addr.slice(0, addr.lastIndexOf(':'));
  // an empty host binds 127.0.0.1 (ApiServer.listen), as dockerd's tcp://:PORT means localhost
  if (ip === '' || isLoopback(ip)) return;
  throw new Error(`refusing to listen on ${host} without TLS: anyone who reaches it is root on this machine. `
    + "Use --tlsverify with --tlscacert, --tlscert and --tlskey, or explicitly specify '--tls=false' or '--tlsverify=false' to accept the risk");
}
