// HostConfig.SecurityOpt ("no-new-privileges", "seccomp=unconfined|<profile JSON>", "apparmor=…",
// "label=…") parsed with dockerd's rules, and the spec options that apply it.
import { InvalidParameterError } from '../errdefs/index.js';
import { decodeSeccompProfile, defaultSeccompProfile, resolveSeccompProfile, type DockerSeccompProfile, type SeccompProfile } from './seccomp-profile.js';
import type { SpecOption } from './spec.js';

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** 'default' (berthd's profile), 'unconfined', or a custom profile (decoded once, here) */
  seccomp: 'default' | 'unconfined' | DockerSeccompProfile;
  apparmor?: string;
}

export function parseSecurityOpt(opts: string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: 'default' };
  for (const opt of opts ?? []) {
    if (opt === 'no-new-privileges') { out.noNewPrivileges = true; continue; }
    if (opt === 'disable') continue; // label=disable's old spelling
    // "key=value", or the deprecated "key:value"
    const eq = opt.indexOf('=');
    const colon = opt.indexOf(':');
    const sep = eq >= 0 ? eq : colon;
    if (sep < 0) throw new InvalidParameterError(`invalid --security-opt 1: "${opt}"`);
    const key = opt.slice(0, sep);
    const value = opt.slice(sep + 1);
    switch (key) {
      case 'label': break;
      case 'apparmor': out.apparmor = value; break;
      case 'seccomp': {
        if (value === 'unconfined') { out.seccomp = 'unconfined'; break; }
        try { out.seccomp = decodeSeccompProfile(value); } catch (err) {
          throw new InvalidParameterError(`Decoding seccomp profile failed: ${(err as Error).message}`, { cause: err });
        }
        break;
      }
      case 'no-new-privileges': {
        if (!['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'].includes(value)) {
          throw new InvalidParameterError(`invalid --security-opt 2: "${opt}"`);
        }
        out.noNewPrivileges = ['true', '1', 't', 'TRUE', 'True'].includes(value);
        break;
      }
      default: throw new InvalidParameterError(`invalid --security-opt 2: "${opt}"`);
    }
  }
  return out;
}

/** The seccomp profile a container gets; undefined for none (privileged, unconfined, no kernel support). */
export function seccompFor(sec: SecurityOptions, capabilities: string[], privileged: boolean, kernelSupports: boolean): SeccompProfile | undefined {
  if (sec.seccomp === 'unconfined' || !kernelSupports) return undefined;
  if (sec.seccomp === 'default') return privileged ? undefined : defaultSeccompProfile(capabilities);
  return resolveSeccompProfile(sec.seccomp, capabilities);
}

export const withNoNewPrivileges = (on: boolean): SpecOption => (s) => {
  if (on) s.process.noNewPrivileges = true;
};

export const withSeccomp = (profile: SeccompProfile | undefined): SpecOption => (s) => {
  if (profile) s.linux.seccomp = profile; else delete s.linux.seccomp;
};
