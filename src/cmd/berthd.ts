#!/usr/bin/env node
// berthd: parses flags and wires everything together. The only place that constructs the daemon,
// the runtime, the image service and the API server.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiServer, parseHost, removeStaleSocket } from '../api/server/server.js';
import { allRouters } from '../api/routers/index.js';
import { ExecService } from '../daemon/exec-service.js';
import { Daemon } from '../daemon/daemon.js';
import type { ContainerBackend } from '../api/routers/containers/backend.js';
import type { ContainerLifecycleBackend } from '../api/routers/containers/lifecycle-backend.js';
import { delegate } from '../internal/delegate.js';
import { ImageService } from '../daemon/image-service.js';
import { NoSwarm } from '../daemon/no-swarm.js';
import { ContainerArchiveService } from '../daemon/container-archive.js';
import { ContainerFsService } from '../daemon/container-fs.js';
import { DiskUsageService } from '../daemon/disk-usage.js';
import { logsAdapter, pooledFifosAdapter } from '../daemon/adapters.js';
import { ImageMounts, mountedImageIds } from '../daemon/image-mounts.js';
import { VolumeMounts, volumeUsers } from '../daemon/volume-mounts.js';
import { LocalDriver } from '../volume/local-driver.js';
import { Networking } from '../network/index.js';
import { VolumeService } from '../volume/volume-service.js';
import { ContainerdRuntime } from '../runtime/containerd/client.js';
import { ManagedContainerd } from '../runtime/containerd/supervisor.js';
import { GroupedRuntime } from '../runtime/shim-groups/grouped-runtime.js';
import { groupSocketPath, selectRuntimes, withRuntimes, type RuntimeSelection } from '../runtime/selection/index.js';
import { BERTH_VERSION } from '../version.js';
import { EventBus } from '../events/event-bus.js';
import { StatsService } from '../stats/stats-service.js';
import { procNetDevStats } from '../stats/proc-net-dev.js';
import { HealthMonitor } from '../health/health-monitor.js';
import { followContainerLifecycle } from '../health/follow-lifecycle.js';
import { LazyDistribution } from '../distribution/lazy-distribution.js';
import { registryBaseImages } from '../distribution/build-base-images.js';
import { lazyBuilder } from '../builder/lazy-builder.js';
import { DaemonBuildContainers } from '../builder/daemon-containers.js';
import { parseFlags, USAGE, type BerthdFlags } from './flags.js';
import { checkTcpAuth, serverTlsOptions, tlsMode } from '../config/tls.js';
import { loadDaemonConfig, type LoadedConfig } from '../config/load.js';
import { LiveConfig } from '../config/live-config.js';
import { withCreateDefaults } from '../config/create-defaults.js';
import { listenerWarnings, withConfiguration } from '../config/info-overlay.js';
import { lockDataRoot } from '../config/data-root-lock.js';

type Level = BerthdFlags['logLevel'];
const LEVELS: Level[] = ['debug', 'info', 'warn', 'error', 'fatal'];

/** `level`: fixed, or read at each line (a SIGHUP may change it). */
function makeLogger(level: Level | (() => Level)): (lvl: Level, msg: string) => void {
  const min = (): number => LEVELS.indexOf(typeof level === 'function' ? level() : level);
  return (lvl, msg) => {
    if (LEVELS.indexOf(lvl) < min()) return;
    process.stderr.write(`time="${new Date().toISOString()}" level=${lvl} msg=${JSON.stringify(msg)}\n`);
  };
}

function socketGroup(name: string | undefined): { gid: number } | undefined {
  const wanted = name ?? 'docker';
  let groups = '';
  try { groups = fs.readFileSync('/etc/group', 'utf8'); } catch { return undefined; }
  for (const line of groups.split('\n')) {
    const [gname, , gid] = line.split(':');
    if (gname === wanted || gid === wanted) return { gid: Number(gid) };
  }
  if (name !== undefined && name !== '') throw new Error(`group ${name} not found`);
  return undefined;
}

/** Like dockerd: refuse to run twice on the same roots; a pidfile of a dead process is replaced. */
function claimPidfile(file: string): void {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (pid > 0 && pid !== process.pid && fs.existsSync(`/proc/${pid}`)) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('berthd')) {
        throw new Error(`pid file found, ensure berthd is not running or delete ${file}`);
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.writeFileSync(file, `${process.pid}\n`);
}

/** The managed containerd while berthd starts: stopped again if the start fails after it ran. */
let startingContainerd: ManagedContainerd | undefined;

/** SIGTERM/SIGINT before berthd is up: its managed containerd goes too (it was left running). */
const stopWhileStarting = (): void => {
  void (async () => {
    await startingContainerd?.stop().catch(() => undefined);
    process.exit(143);
  })();
};
process.on('SIGTERM', stopWhileStarting);
process.on('SIGINT', stopWhileStarting);

async function main(): Promise<void> {
  let flags: BerthdFlags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(125);
  }
  if (flags.help) { process.stdout.write(USAGE); return; }
  if (flags.version) { process.stdout.write(`Berth version ${BERTH_VERSION}\n`); return; }
  // trust: daemon.json merged into the flags; `--validate` stops here (src/config/)
  let loaded: LoadedConfig<BerthdFlags>;
  try {
    loaded = loadDaemonConfig(flags);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  if (flags.validate) { process.stdout.write('configuration OK\n'); return; }
  const cmdline = flags;
  flags = loaded.flags;
  const live = new LiveConfig(loaded.settings, cmdline, (lvl, m) => logAt(lvl, m));
  process.on('SIGHUP', () => { live.reload(); });
  // a background failure (disk full, a vanished file) is an error in the log, never the end of berthd
  process.on('unhandledRejection', (err: unknown) => logAt('error', `unhandled: ${(err as Error)?.stack ?? String(err)}`));

  const logAt = makeLogger(() => live.settings.logLevel);
  const log = (msg: string): void => logAt('info', msg);
  const dataRoot = path.resolve(flags.dataRoot);
  const execRoot = path.resolve(flags.execRoot);
  fs.mkdirSync(dataRoot, { recursive: true, mode: 0o711 });
  fs.mkdirSync(execRoot, { recursive: true, mode: 0o700 });
  // trust: one berthd per data root (src/config/data-root-lock.ts)
  const dataRootLock = await lockDataRoot(dataRoot);
  const pidfile = flags.pidfile ?? path.join(execRoot, 'berthd.pid');
  claimPidfile(pidfile);
  const addresses = flags.hosts.map(parseHost);
  // trust: TLS files are read and open TCP ports refused before anything starts
  for (const a of addresses) if (a.proto === 'tcp') checkTcpAuth(a.addr, flags, (m) => logAt('warn', m));
  const tlsOptions = serverTlsOptions(flags);
  // a socket another daemon still answers on: refuse before starting anything (a stale one goes)
  for (const a of addresses) if (a.proto === 'unix') await removeStaleSocket(a.addr);

  let selection: RuntimeSelection;
  try {
    selection = selectRuntimes({
      addRuntimeFlags: flags.addRuntimes, fileEntries: live.settings.runtimes.entries, wrapperDir: path.join(execRoot, 'runtimes'),
      ...((flags.defaultRuntime ?? live.settings.runtimes.default) ? { requestedDefault: flags.defaultRuntime ?? live.settings.runtimes.default } : {}),
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  log(`default runtime ${selection.table.defaultName}${selection.crun.reason ? ` (crun not used: ${selection.crun.reason})` : ''}`);
  let managed: ManagedContainerd | undefined;
  let address = flags.containerd;
  if (!address) {
    managed = new ManagedContainerd({
      dataRoot, execRoot, logLevel: flags.logLevel === 'debug' ? 'debug' : 'info',
      onLog: (m: string) => logAt('debug', `containerd: ${m}`),
    });
    startingContainerd = managed;
    await managed.start();
    address = managed.address;
  }
  const runtime = new ContainerdRuntime({ address, namespace: flags.containerdNamespace });
  const images = await ImageService.open(dataRoot, runtime);
  const fifosAdapter = pooledFifosAdapter(path.join(execRoot, 'fifo-pool'), log);
  // containers share runc v2 shims (src/runtime/shim-groups/); --shim-group-size 1: one shim each
  const shimGroups = flags.shimGroupSize > 1 ? new GroupedRuntime(runtime, {
    groupSize: flags.shimGroupSize, anchor: true, anchorDir: path.join(execRoot, 'shim-anchor'), runtimeName: selection.table.runcShim, log,
    ...(selection.shimFront ? { shimSockets: { dir: selection.shimFront.groupsDir, socketOf: (g: string) => groupSocketPath(address!, flags.containerdNamespace, g) } } : {}),
    anchorId: `berth-shim-anchor-${createHash('sha256').update(dataRoot).digest('hex').slice(0, 12)}`,
  }) : undefined;
  const daemon = new Daemon(
    { dataRoot, execRoot, runtimeName: selection.table.runcShim, runtimes: selection.table, serverVersion: BERTH_VERSION, log, trace: (m) => logAt('debug', m),
      logRelay: flags.given.has('log-relay') ? flags.logRelay : live.settings.logRelay ?? true },
    shimGroups ?? runtime, images, logsAdapter, fifosAdapter,
  );
  const events = new EventBus();
  daemon.setEventSink(events);
  live.setEventSink({
    daemonReload: (attributes) => {
      void daemon.system.systemInfo().then((info) => {
        // the runtimes berthd runs with (SIGHUP does not change them), as dockerd lists them: name:path
        const runtimes = Object.entries(selection.table.info()).map(([n, r]) => `${n}:${r.path ?? r.runtimeType ?? n}`).join(' ');
        events.publish('daemon', 'reload', String(info.ID), {
          ...attributes, 'default-runtime': selection.table.defaultName, runtimes, name: String(info.Name),
        });
      });
    },
  });
  images.events = events;
  // a removed container may free image layers that an rmi -f left for it
  daemon.addParticipant({ name: 'images', release: () => images.containerRemoved() });
  const volumeDriver = new LocalDriver(path.join(dataRoot, 'volumes'), log);
  volumeDriver.load();
  const volumes = new VolumeService(volumeDriver);
  volumes.events = events;
  volumes.setUserSource(() => volumeUsers(daemon.allContainers()));
  daemon.addParticipant(new VolumeMounts({
    volumes, snapshotMounts: (key) => runtime.snapshots.mounts(key), getContainer: (ref) => daemon.getContainer(ref),
    scratchDir: path.join(execRoot, 'volume-copy'), subpathDir: path.join(execRoot, 'volume-subpaths'), log,
  }));
  daemon.addParticipant(new ImageMounts({
    resolveImage: (ref) => images.resolveForContainer(ref), snapshots: runtime.snapshots, dir: path.join(execRoot, 'image-mounts'), log,
  }));
  const networking = new Networking({
    dataRoot, ...((flags.bridge ?? live.settings.network.bridge) ? { bridge: flags.bridge ?? live.settings.network.bridge } : {}),
    ...((flags.bip ?? live.settings.network.bip) ? { bip: flags.bip ?? live.settings.network.bip } : {}),
    defaultAddressPools: flags.defaultAddressPools.length > 0 ? flags.defaultAddressPools
      : (live.settings.network.defaultAddressPools ?? []).map((p) => `base=${p.base},size=${p.size}`), log,
    ipMasq: flags.given.has('ip-masq') ? flags.ipMasq : live.settings.network.ipMasq ?? true,
    ipForward: flags.given.has('ip-forward') ? flags.ipForward : live.settings.network.ipForward ?? true,
    ...((flags.given.has('ipv6') ? flags.ipv6 : live.settings.network.ipv6) ? { ipv6: true } : {}),
    ...((flags.fixedCidrV6 ?? live.settings.network.fixedCidrV6) ? { fixedCidrV6: flags.fixedCidrV6 ?? live.settings.network.fixedCidrV6 } : {}), trace: (m) => logAt('debug', m),
    containers: { get: (ref) => daemon.getContainer(ref), list: () => daemon.allContainers(), save: (c) => daemon.saveContainer(c) },
    events: { publish: (e) => events.publish('network', e.action, e.id, e.attributes) },
  });
  await networking.init();
  daemon.addParticipant(networking.participant);
  await shimGroups?.init();
  await daemon.init();
  await networking.afterRestore();
  // filesystems of volumes whose containers stopped while berthd was away
  await volumes.reconcileMounts(log);
  images.setContainerSource(() => daemon.allContainers().flatMap((c) => [c.record.image, ...mountedImageIds(c)]
    .map((imageId) => ({ id: c.id, imageId, running: c.running }))));
  const containerFs = new ContainerFsService({ runtime, images: images.store, getContainer: (ref) => daemon.getContainer(ref), events });
  daemon.setSizeProvider((c) => containerFs.containerSize(c));
  const archive = new ContainerArchiveService({
    runtime, getContainer: (ref) => daemon.getContainer(ref), scratchDir: path.join(execRoot, 'archive-mounts'), events,
  });
  const diskUsage = new DiskUsageService({
    images, containers: () => daemon.queries.containerList({ all: true, size: true, filters: {} }),
    volumes: () => volumes.usage(),
  });

  const stats = new StatsService({
    getContainer: (ref) => {
      const c = daemon.getContainer(ref);
      return { id: c.id, name: `/${c.name}`, running: c.running, pid: c.record.state.pid };
    },
    networks: procNetDevStats,
  });
  const execs = new ExecService({
    runtime, fifos: fifosAdapter, getContainer: (ref) => daemon.getContainer(ref), fifoDir: (id) => daemon.fifoDirOf(id), log, events, trace: (m) => logAt('debug', m),
  });
  const health = new HealthMonitor({
    find: (id) => { try { return daemon.getContainer(id); } catch { return undefined; } },
    runProbe: (id, cmd, timeoutMs) => execs.runProbe(id, cmd, timeoutMs),
    save: (c) => daemon.persist(daemon.getContainer(c.id)),
    emit: (c, action) => daemon.emit(daemon.getContainer(c.id), action),
    log,
  });
  followContainerLifecycle(events, health);
  health.resume(daemon.allContainers());
  // each router's backend, assembled from the daemon modules that own its parts
  const containers: ContainerBackend = {
    ...withCreateDefaults(delegate(daemon.create, 'containerCreate'), () => live.settings),
    ...delegate(daemon.start, 'containerStart'),
    ...delegate(daemon.stop, 'containerStop', 'containerRestart', 'containerKill'),
    ...delegate(daemon.remove, 'containerRemove'),
    ...delegate(daemon.queries, 'containerList', 'containerInspect', 'containerWait'),
    ...delegate(daemon.streams, 'containerLogs', 'containerAttach', 'containerResize'),
    ...delegate(daemon.modify, 'containerUpdate'),
  };
  const lifecycle: ContainerLifecycleBackend = {
    ...delegate(daemon.stop, 'containerPause', 'containerUnpause'),
    ...delegate(daemon.modify, 'containerRename'),
    ...delegate(daemon.queries, 'containerTop'),
    ...delegate(daemon.remove, 'containersPrune'),
  };
  const registryConfig = (settings: typeof live.settings) => ({
    insecureRegistries: [...flags.insecureRegistries, ...settings.registries.insecure],
    mirrors: [...flags.registryMirrors, ...settings.registries.mirrors],
    maxConcurrentDownloads: flags.given.has('max-concurrent-downloads') ? flags.maxConcurrentDownloads : settings.concurrency.downloads,
    maxConcurrentUploads: flags.given.has('max-concurrent-uploads') ? flags.maxConcurrentUploads : settings.concurrency.uploads,
    certsDirs: ['/etc/docker/certs.d', path.join(dataRoot, 'certs.d')],
  });
  const registry = new LazyDistribution({
    store: images.store, dataRoot, log, collectGarbage: () => runtime.collectGarbage(),
    events: { imageEvent: (action, ref, attributes) => events.publish('image', action, ref, { ...attributes, name: ref }) },
    config: registryConfig(live.settings),
  });
  live.onReload((next) => registry.reconfigure(registryConfig(next)));
  const build = lazyBuilder({
    images: images.store, containers: new DaemonBuildContainers(containers, containerFs),
    tmpDir: path.join(dataRoot, 'tmp', 'build'), scratchDir: path.join(execRoot, 'build-mounts'), log,
    events: { imageEvent: (action, id, attributes) => images.emit(id, attributes.name ?? id, action) },
    baseImages: registryBaseImages(registry.pullImage),
  });
  const server = new ApiServer(allRouters({
    system: withConfiguration(withRuntimes(daemon.system, selection.table), () => live.settings,
      listenerWarnings(addresses.filter((a) => a.proto === 'tcp').map((a) => a.addr), tlsMode(flags))), containers, lifecycle, images, exec: execs, containerFs, diskUsage, swarm: new NoSwarm(), volumes, archive, events, stats,
    networks: networking.api,
    registry,
    build,
  }), {
    serverVersion: BERTH_VERSION,
    log: (m) => logAt('error', m),
  });
  const group = socketGroup(flags.group);
  for (const a of addresses) {
    await server.listen(a, a.proto === 'unix' ? group : undefined, tlsOptions);
    log(`API listening on ${a.proto}://${a.addr}${a.proto === 'tcp' && tlsOptions ? ' (TLS)' : ''}`);
  }
  log(`berthd ${BERTH_VERSION} started (data-root ${dataRoot}, containerd ${address})`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}, shutting down`);
    // dockerd's shutdown-timeout: the least time given to stop the containers (-1: no limit)
    const waitSeconds = live.settings.shutdownTimeout < 0 ? undefined : Math.max(60, live.settings.shutdownTimeout + 5);
    const hardStop = waitSeconds === undefined ? undefined : setTimeout(() => process.exit(1), waitSeconds * 1000);
    hardStop?.unref();
    await server.close().catch(() => undefined);
    if (live.settings.liveRestore) {
      log('live-restore enabled: containers keep running');
      await daemon.detach().catch((err: unknown) => log(`detach: ${String(err)}`));
    } else {
      await daemon.shutdown().catch((err: unknown) => log(`shutdown: ${String(err)}`));
      await shimGroups?.removeAnchor().catch((err: unknown) => log(`shim anchor: ${String(err)}`));
      await networking.shutdown().catch((err: unknown) => log(`network shutdown: ${String(err)}`));
      selection.release();
    }
    runtime.close();
    await managed?.stop().catch(() => undefined);
    for (const a of addresses) if (a.proto === 'unix') fs.rmSync(a.addr, { force: true });
    fs.rmSync(pidfile, { force: true });
    await dataRootLock.release();
    log('shutdown complete');
    process.exit(0);
  };
  process.off('SIGTERM', stopWhileStarting);
  process.off('SIGINT', stopWhileStarting);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGPIPE', () => undefined);
}

main().then(() => { startingContainerd = undefined; }, async (err: unknown) => {
  // a refused start is a message for the operator, as dockerd's "failed to start daemon: …"; the stack only with -D
  const debug = process.argv.includes('-D') || process.argv.includes('--debug');
  const e = err instanceof Error ? err : undefined;
  process.stderr.write(`berthd: ${(debug ? e?.stack : e?.message) ?? String(err)}\n`);
  // a start refused late (e.g. a network setting found invalid) must not leave its containerd behind
  await startingContainerd?.stop().catch(() => undefined);
  process.exit(1);
});
