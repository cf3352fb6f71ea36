// POST /build?remote=: the context from a URL (a tar, maybe compressed, or a bare Dockerfile) or a
// git repository (`url#ref:subdir`), cloned with the git binary, as dockerd's remotecontext does.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { InvalidParameterError } from '../errdefs/index.js';
import { MAGIC_LENGTH, detectCompression } from '../image/compression.js';
import { BuildContext, parseDockerignore } from './build-context.js';

const run = promisify(execFile);

/** dockerd's urlutil.IsGitURL. */
export function isGitUrl(s: string): boolean {
  if (/^(git:\/\/|git@|github\.com\/)/.test(s)) return true;
  return /^https?:\/\/.*\.git(#.*)?$/.test(s);
}

const looksLikeTar = (head: Buffer): boolean =>
  detectCompression(head) !== 'none' || (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar');

/** A context tar holding only a Dockerfile (for a URL that returned one). */
async function dockerfileTar(name: string, text: Buffer): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o600 }, text);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function remoteContext(remote: string, dockerfile: string | undefined, tmpDir: string, signal: AbortSignal): Promise<BuildContext> {
  if (isGitUrl(remote)) return gitContext(remote, tmpDir, signal);
  if (!/^https?:\/\//.test(remote)) throw new InvalidParameterError(`unable to prepare context: unsupported remote ${remote}`);
  let res: Response;
  try {
    res = await fetch(remote, { signal });
  } catch (err) {
    throw new InvalidParameterError(`failed to GET ${remote}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new InvalidParameterError(`failed to GET ${remote} with status ${res.status} ${res.statusText}`);
  const body = Buffer.from(await res.arrayBuffer());
  const head = body.subarray(0, Math.max(512, MAGIC_LENGTH));
  const tarBytes = looksLikeTar(head) ? body : await dockerfileTar(dockerfile || 'Dockerfile', body);
  return BuildContext.extract(Readable.from([tarBytes]), tmpDir);
}

async function gitContext(remote: string, tmpDir: string, signal: AbortSignal): Promise<BuildContext> {
  const [url, fragment = ''] = remote.split('#', 2) as [string, string?];
  const [ref, subdir = ''] = fragment.split(':', 2) as [string, string?];
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const root = fs.mkdtempSync(path.join(tmpDir, 'git-'));
  const repoUrl = url.startsWith('github.com/') ? `https://${url}` : url;
  const clone = (shallow: boolean): Promise<unknown> =>
    run('git', ['clone', '--quiet', '--recurse-submodules', ...(ref ? ['--branch', ref] : []), ...(shallow ? ['--depth', '1'] : []), '--', repoUrl, root], { signal });
  try {
    // a shallow clone first; servers that cannot (git's dumb HTTP) get a full one, as dockerd retries
    await clone(true).catch(async () => { fs.rmSync(root, { recursive: true, force: true }); fs.mkdirSync(root); await clone(false); });
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    const stderr = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim();
    throw new InvalidParameterError(`unable to prepare context: unable to 'git clone' to temporary context directory: error fetching: ${stderr}`);
  }
  fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
  const dir = path.join(root, path.posix.normalize('/' + subdir));
  let patterns: string[] = [];
  try { patterns = parseDockerignore(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8')); } catch { /* none */ }
  return BuildContext.fromDir(dir, patterns, root);
}
