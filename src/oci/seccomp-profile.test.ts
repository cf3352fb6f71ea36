import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSeccompProfile, defaultSeccompProfile, resolveSeccompProfile } from './seccomp-profile.js';
import { parseSecurityOpt, seccompFor, withNoNewPrivileges, withSeccomp } from './security.js';
import { buildSpec, DEFAULT_CAPABILITIES } from './spec.js';

const denied = (caps: string[]): Set<string> =>
  new Set(defaultSeccompProfile(caps).syscalls.filter((s) => !s.args && s.action === 'SCMP_ACT_ERRNO').flatMap((s) => s.names));

test('default profile denies what dockerd\'s does, re-allowing by capability', () => {
  const base = denied(DEFAULT_CAPABILITIES);
  for (const name of ['mount', 'unshare', 'setns', 'keyctl', 'reboot', 'init_module', 'ptrace', 'clone3']) assert.ok(base.has(name), name);
  assert.ok(!base.has('read'));
  const admin = denied([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
  assert.ok(!admin.has('mount') && !admin.has('unshare') && !admin.has('clone3'));
  assert.ok(admin.has('keyctl'));
  assert.ok(!denied([...DEFAULT_CAPABILITIES, 'CAP_SYS_PTRACE']).has('ptrace'));
  const profile = defaultSeccompProfile(DEFAULT_CAPABILITIES);
  assert.equal(profile.defaultAction, 'SCMP_ACT_ALLOW');
  const cloneRules = profile.syscalls.filter((s) => s.names.includes('clone'));
  assert.ok(cloneRules.some((r) => r.args?.[0]?.value === 0x10000000 && r.args[0].op === 'SCMP_CMP_MASKED_EQ'), 'CLONE_NEWUSER');
});

test('security options: no-new-privileges, seccomp=unconfined, custom profiles, errors', () => {
  assert.deepEqual(parseSecurityOpt(['no-new-privileges']), { noNewPrivileges: true, seccomp: 'default' });
  assert.equal(parseSecurityOpt(['no-new-privileges=false']).noNewPrivileges, false);
  assert.equal(parseSecurityOpt(['seccomp=unconfined']).seccomp, 'unconfined');
  assert.throws(() => parseSecurityOpt(['foo']), { message: 'invalid --security-opt 1: "foo"' });
  assert.throws(() => parseSecurityOpt(['bogus=1']), { message: 'invalid --security-opt 2: "bogus=1"' });
  assert.throws(() => parseSecurityOpt(['seccomp={']), /Decoding seccomp profile failed/);
  const custom = JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }],
  });
  const sec = parseSecurityOpt([`seccomp=${custom}`]);
  const p = seccompFor(sec, DEFAULT_CAPABILITIES, false, true)!;
  assert.deepEqual(p.syscalls.map((s) => s.names[0]), ['read']);
  assert.equal(resolveSeccompProfile(decodeSeccompProfile(custom), ['CAP_SYS_ADMIN']).syscalls.length, 2);
  assert.equal(seccompFor(parseSecurityOpt([]), DEFAULT_CAPABILITIES, true, true), undefined, 'privileged: none');
  assert.equal(seccompFor(parseSecurityOpt([]), DEFAULT_CAPABILITIES, false, false), undefined, 'no kernel support');
  const spec = buildSpec([withNoNewPrivileges(true), withSeccomp(p)]);
  assert.equal(spec.process.noNewPrivileges, true);
  assert.equal((spec.linux.seccomp as { defaultAction: string }).defaultAction, 'SCMP_ACT_ERRNO');
});
