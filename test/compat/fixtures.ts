// The scenario both engines are put into before the cases run (same names, same order, so that
// lists come out the same), and the per-case fixtures that mutating cases start from.
import type { Step } from './case-types.js';

export const IMAGE = 'busybox';
/** a second tag on the test image: deleting the image by ID then is a conflict, never a removal */
export const IMAGE_TAG2 = 'busybox:compat';

/** PID 1 that ends on SIGTERM (a plain `sleep` as PID 1 ignores it, and every stop would wait its timeout) */
export const TERMINABLE = ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'];

export const SCENARIO: Step[] = [
  { cli: ['tag', IMAGE, IMAGE_TAG2] },
  { cli: ['create', '--name', 'cx-created', '-l', 'compat=created', IMAGE, 'true'] },
  // the sleep orders the two log lines: written back to back, which one the log gets last is a race
  { cli: ['run', '--name', 'cx-exited', '-l', 'compat=exited', IMAGE, 'sh', '-c', 'echo out; sleep 0.2; echo err >&2; exit 3'] },
  { cli: ['run', '-d', '--name', 'cx-run', '-l', 'compat=run', IMAGE, ...TERMINABLE] },
  { cli: ['run', '-d', '-t', '--name', 'cx-tty', IMAGE, 'sh'] },
];

/** Containers made by a case; removing one that does not exist is harmless. */
const TMP_NAMES = ['cx-tmp', 'cx-new', 'new_name'];

export const TMP = {
  running: [{ cli: ['run', '-d', '--name', 'cx-tmp', IMAGE, ...TERMINABLE] }] as Step[],
  created: [{ cli: ['create', '--name', 'cx-tmp', IMAGE, ...TERMINABLE] }] as Step[],
  exited: [{ cli: ['run', '--name', 'cx-tmp', IMAGE, 'sh', '-c', 'echo bye; exit 2'] }] as Step[],
  paused: [{ cli: ['run', '-d', '--name', 'cx-tmp', IMAGE, ...TERMINABLE] }, { cli: ['pause', 'cx-tmp'] }] as Step[],
  // -v: anonymous volumes (the docs' create bodies declare one) go with the container
  teardown: [{ cli: ['rm', '-f', '-v', ...TMP_NAMES] }] as Step[],
};

/** Image tags a case may make; removed after it. */
export const TMP_TAGS = ['cx-tag:v1', 'cx-del:1', 'cx-commit:v1', 'myrepo:v42', 'myrepo:latest', 'cx-import:v1', 'test:latest'];
export const TMP_IMAGES_TEARDOWN: Step[] = [{ cli: ['rmi', '-f', ...TMP_TAGS] }];

/** An exec on cx-run, its ID saved as {var:exec}. */
export function execSetup(cmd: string[], extra: Record<string, unknown> = {}): Step[] {
  return [{ api: { method: 'POST', path: '/containers/cx-run/exec', body: { Cmd: cmd, AttachStdout: true, AttachStderr: true, ...extra } }, save: 'exec' }];
}

/** Headers of a hijacked stream (attach, exec start): 101 and the raw socket. */
export const HIJACK = { Connection: 'Upgrade', Upgrade: 'tcp' };
/** A websocket handshake (attach/ws). */
export const WS_HEADERS = {
  Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', Origin: 'http://localhost',
};
