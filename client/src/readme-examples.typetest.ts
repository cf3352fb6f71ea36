// The README's examples, compiled with the package (never run): if the API drifts from what the
// README shows, the build fails.
import fs from 'node:fs';
import { collect, DockerClient, NotFoundError } from './index.js';

export async function readmeExamples(socketPath: string, ca: Buffer, cert: Buffer, key: Buffer): Promise<void> {
  const docker = new DockerClient();
  console.log(await docker.systemPing());
  const { Version, ApiVersion } = await docker.systemVersion();
  console.log(Version, ApiVersion);
  const { exitCode, stdout: out } = await docker.run('busybox', ['echo', 'hello']);
  console.log(exitCode, out);

  new DockerClient({ socketPath: '/var/run/docker.sock' });
  new DockerClient({ host: 'unix:///var/run/berth.sock' });
  new DockerClient({ host: 'tcp://build-host:2376', tls: { ca, cert, key } });
  new DockerClient({ host: 'tcp://127.0.0.1:2375' });
  const legacy = new DockerClient({ socketPath, version: '1.24' });
  await legacy.containerList({ all: true });

  const { Id } = await docker.containerCreate({ name: 'web', body: { Image: 'busybox', Cmd: ['sleep', '60'] } });
  await docker.containerStart({ id: Id });
  const info = await docker.containerInspect({ id: Id });
  const running: boolean | undefined = info.State?.Running;
  console.log(running);
  await docker.containerList({ all: true, filters: { status: ['running'] } });
  await docker.containerKill({ id: Id, signal: 'SIGTERM' });
  const { StatusCode } = await docker.containerWait({ id: Id, condition: 'not-running' });
  console.log(StatusCode);
  await docker.containerDelete({ id: Id, force: true });
  await docker.call('containerInspect', { id: Id });

  const id = Id;
  for await (const { stream, data } of await docker.containerLogs({ id, stdout: true, stderr: true, follow: true })) {
    (stream === 'stderr' ? process.stderr : process.stdout).write(data);
  }
  const attach = await docker.containerAttach({ id, stream: true, stdin: true, stdout: true, stderr: true });
  attach.stdin.write('some input\n');
  attach.closeWrite();
  for await (const frame of attach) console.log(frame.stream, frame.data.toString());

  const exec = await docker.containerExec({ id, body: { Cmd: ['sh', '-c', 'exit 3'], AttachStdout: true, AttachStderr: true } });
  const { stdout, stderr } = await collect(await docker.execStart({ id: exec.Id, body: {} }));
  const { ExitCode } = await docker.execInspect({ id: exec.Id });
  console.log(stdout, stderr, ExitCode);

  for await (const event of await docker.systemEvents({ filters: { type: ['container'] } })) {
    console.log(event.Action, event.Actor?.ID);
  }
  await docker.putContainerArchive({ id, path: '/tmp', body: fs.createReadStream('files.tar') });
  const tar = await docker.containerArchive({ id, path: '/etc/hostname' });
  tar.pipe(fs.createWriteStream('/dev/null'));
  const stat = await docker.containerArchiveInfo({ id, path: '/etc' });
  console.log(stat.name, stat.size, stat.mode, stat.mtime, stat.linkTarget);
  const image = await docker.imageGet({ name: 'busybox' });
  image.resume();
  await docker.imageLoad({ body: fs.createReadStream('busybox.tar') });

  try {
    await docker.containerInspect({ id: 'nope' });
  } catch (err) {
    if (err instanceof NotFoundError) console.log(err.message, err.status, err.operation);
  }

  const r = await docker.run('busybox', ['sh', '-c', 'cat; exit 2'], { stdin: 'hi\n' });
  console.log(r.exitCode, r.stdout, r.stderr, r.id);
  await docker.pull('registry.local:5000/app:1.2', { onProgress: (m) => console.log(m.status, m.progress ?? '') });
  const { imageId, output } = await docker.buildFromDirectory('./app', { tag: 'app:dev', buildArgs: { VERSION: '1' } });
  console.log(imageId, output);
  for await (const f of await docker.followLogs(id, { tail: 10 })) process.stdout.write(f.data);
  await docker.waitForHealthy(id);
}
