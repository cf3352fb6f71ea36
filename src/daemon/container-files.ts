// The files berthd writes for each container and bind-mounts into it: /etc/hostname, /etc/hosts,
// /etc/resolv.conf (the host's, minus loopback nameservers that would not work inside).
import fs from 'node:fs';
import type { HostConfigSettings } from '../api/types/host-config.js';

export function hostsFile(hostname: string, domainname: string, extra: string[] = []): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  const fqdn = domainname ? `${hostname}.${domainname} ${hostname}` : hostname;
  // Without a network address the hostname resolves to loopback, so tools that look it up work.
  lines.push(`127.0.1.1\t${fqdn}`);
  lines.push(...extra);
  return lines.join('\n') + '\n';
}

export function resolvConf(hostText: string): string {
  const lines = hostText.split('\n').filter((l) => l.trim() !== '');
  const kept = lines.filter((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    if (!m) return true;
    const ip = m[1]!;
    return !(ip.startsWith('127.') || ip === '::1');
  });
  if (!kept.some((l) => /^\s*nameserver\s/.test(l))) {
    kept.push('nameserver 8.8.8.8', 'nameserver 8.8.4.4');
  }
  return kept.join('\n').replace(/\n*$/, '\n');
}

export type DnsSettings = Pick<HostConfigSettings, 'Dns' | 'DnsSearch' | 'DnsOptions' | 'ExtraHosts'>;

/** HostConfig.Dns/DnsSearch/DnsOptions replace the host's nameserver/search/options lines. */
export function applyDnsSettings(base: string, dns: DnsSettings): string {
  const replace = (text: string, keyword: string, values: string[] | null | undefined, line: (v: string[]) => string[]): string => {
    if (!values?.length) return text;
    const kept = text.split('\n').filter((l) => l.trim() !== '' && !new RegExp(`^\\s*${keyword}\\s`).test(l));
    return [...kept, ...line(values)].join('\n') + '\n';
  };
  let out = replace(base, 'nameserver', dns.Dns, (v) => v.map((ip) => `nameserver ${ip}`));
  out = replace(out, '(search|domain)', dns.DnsSearch, (v) => [`search ${v.join(' ')}`]);
  out = replace(out, 'options', dns.DnsOptions, (v) => [`options ${v.join(' ')}`]);
  return out;
}

/** ExtraHosts "name:ip" (the address may contain colons) → hosts lines "ip\tname". */
export function extraHostLines(extra: string[] | null | undefined): string[] {
  return (extra ?? []).map((h) => {
    const i = h.indexOf(':');
    return `${h.slice(i + 1)}\t${h.slice(0, i)}`;
  });
}

export function writeContainerFiles(
  paths: { hostname: string; hosts: string; resolv: string }, hostname: string, domainname: string, dns: DnsSettings = {},
): void {
  fs.writeFileSync(paths.hostname, hostname + '\n', { mode: 0o644 });
  fs.writeFileSync(paths.hosts, hostsFile(hostname, domainname, extraHostLines(dns.ExtraHosts)), { mode: 0o644 });
  let host = '';
  try { host = fs.readFileSync('/etc/resolv.conf', 'utf8'); } catch { /* no host resolv.conf */ }
  fs.writeFileSync(paths.resolv, applyDnsSettings(resolvConf(host), dns), { mode: 0o644 });
}
