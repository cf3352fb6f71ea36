// The docker CLI against one engine, with a deadline and a private config dir (no contexts or
// credentials from the host leak in). The same CLI binary drives both engines.
import { spawn } from 'node:child_process';

export interface CliAnswer { code: number; stdout: string; stderr: string; cut: boolean }

export function dockerCli(host: string, configDir: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliAnswer> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: configDir, DOCKER_CLI_HINTS: 'false' };
    delete env.DOCKER_CONTEXT; delete env.DOCKER_API_VERSION; delete env.DOCKER_TLS_VERIFY;
    const child = spawn('docker', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = []; const err: Buffer[] = [];
    let cut = false;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => { cut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 30_000);
    const finish = (code: number, spawnError?: string): void => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() + (spawnError ?? ''), cut });
    };
    child.on('error', (e) => finish(-1, e.message));
    child.on('close', (code) => finish(code ?? -1));
    child.stdin.on('error', () => { /* the CLI may exit before reading its input */ });
    child.stdin.end(opts.input);
  });
}
