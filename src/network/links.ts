// Legacy --link on the default bridge, as dockerd: the linked container's address in /etc/hosts
// under the alias, its hostname and name, and the ALIAS_* environment variables.
import { InvalidParameterError } from '../errdefs/index.js';

/** "name:alias", "/name:/self/alias" or "name" → the linked container and the alias. */
export function parseLink(link: string): { name: string; alias: string } {
  const [rawName = '', rawAlias] = link.split(':');
  const name = rawName.replace(/^\//, '');
  const alias = (rawAlias ?? rawName).split('/').pop() ?? '';
  if (!name || !alias) throw new InvalidParameterError(`invalid link: ${link}`);
  return { name, alias };
}

export interface LinkedContainer {
  name: string;
  hostname: string;
  ip: string;
  env: readonly string[];
  /** "80/tcp" */
  exposed: readonly string[];
}

export function linkHostsLine(alias: string, linked: LinkedContainer): string {
  return `${linked.ip}\t${alias} ${linked.hostname}${alias !== linked.name ? ` ${linked.name}` : ''}`;
}

export function linkEnv(self: string, alias: string, linked: LinkedContainer): string[] {
  const prefix = alias.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const out = [`${prefix}_NAME=/${self}/${alias}`];
  const ports = [...linked.exposed].map((k) => { const [p = '', proto = 'tcp'] = k.split('/'); return { port: Number(p), proto }; })
    .sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
  if (ports[0]) out.push(`${prefix}_PORT=${ports[0].proto}://${linked.ip}:${ports[0].port}`);
  for (const { port, proto } of ports) {
    const p = `${prefix}_PORT_${port}_${proto.toUpperCase()}`;
    out.push(`${p}=${proto}://${linked.ip}:${port}`, `${p}_ADDR=${linked.ip}`, `${p}_PORT=${port}`, `${p}_PROTO=${proto}`);
  }
  for (const e of linked.env) {
    const i = e.indexOf('=');
    const key = i < 0 ? e : e.slice(0, i);
    if (['HOME', 'PATH', 'HOSTNAME'].includes(key)) continue;
    out.push(`${prefix}_ENV_${key}=${i < 0 ? '' : e.slice(i + 1)}`);
  }
  return out;
}
