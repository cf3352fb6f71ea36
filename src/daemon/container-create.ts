// `POST /containers/create`: validation, the image's config merged in, a name and an ID, the
// container's snapshot and its files (hostname, hosts, resolv.conf), then the record; participants
// prepare what they own. Nothing runs until start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContainerCreateBackend, ContainerCreateResult } from '../api/routers/containers/backend.js';
import type { ContainerCreateBody, HostConfig } from '../api/types/container.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { generateId } from '../internal/ids.js';
import { Spans } from '../internal/spans.js';
import type { NetworkingConfigRequest } from '../network/types.js';
import { Container, ZERO_TIME, type ContainerRecord } from './container.js';
import { writeContainerFiles } from './container-files.js';
import type { DaemonContext } from './context.js';
import { validateCreate } from './create-validation.js';
import { commandLine, mergeImageConfig } from './image-config.js';
import { logFilePath, logSettingsFor } from './log-settings.js';
import { generateName, validateName } from './names.js';
import { checkVolumesFrom } from './volumes-from.js';

export class ContainerCreator implements ContainerCreateBackend {
  constructor(private readonly ctx: DaemonContext) {}

  async containerCreate(name: string | undefined, body: ContainerCreateBody): Promise<ContainerCreateResult> {
    const { store, runtime } = this.ctx;
    const { HostConfig: hostConfigIn, NetworkingConfig: networkingConfig, ...configIn } = body;
    const hostConfig: HostConfig = { ...(hostConfigIn ?? {}) };
    if (!configIn.Image) throw new InvalidParameterError('No image specified'); // dockerd: config.Image required
    const cleanName = name !== undefined ? validateName(name) : undefined;
    const runtimes = this.ctx.config.runtimes;
    const warnings = validateCreate(configIn, hostConfig, this.ctx.cgroups, runtimes ? (n) => runtimes.has(n) : undefined);
    // as dockerd: the default runtime is recorded at create (a later default does not change it)
    if (!hostConfig.Runtime && runtimes) hostConfig.Runtime = runtimes.defaultName;
    const spans = new Spans('create');
    const image = this.ctx.images.resolveForContainer(configIn.Image);
    checkVolumesFrom(hostConfig.VolumesFrom, (ref) => store.get(ref));
    const merged = mergeImageConfig(configIn, image.config);
    const argv = commandLine(merged);
    if (argv.length === 0) throw new InvalidParameterError('No command specified');
    const logSettings = logSettingsFor(hostConfig, merged);

    const id = generateId();
    const finalName = cleanName ?? generateName((n) => store.hasName(n));
    store.reserveName(finalName, id);
    let added: Container | undefined;
    try {
      // dockerd: a container on the host's network has the host's name unless told otherwise
      if (!merged.Hostname) merged.Hostname = hostConfig.NetworkMode === 'host' ? os.hostname() : id.slice(0, 12);
      const dir = store.dir(id);
      fs.mkdirSync(dir, { recursive: true, mode: 0o710 });
      spans.mark('validate');
      const rootfsMounts = await runtime.snapshots.prepare(id, image.topChainId || undefined, {
        'containerd.io/gc.root': new Date().toISOString(),
      });
      spans.mark('snapshot');
      const record: ContainerRecord = {
        id,
        name: finalName,
        created: new Date().toISOString(),
        path: argv[0]!,
        args: argv.slice(1),
        config: { ...merged, Image: configIn.Image },
        hostConfig,
        image: image.id,
        state: { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: ZERO_TIME, finishedAt: ZERO_TIME },
        restartCount: 0,
        hasBeenStartedBefore: false,
        hasBeenManuallyStopped: false,
        snapshotKey: id,
        logPath: logFilePath(dir, id, logSettings.driver),
        hostnamePath: path.join(dir, 'hostname'),
        hostsPath: path.join(dir, 'hosts'),
        resolvConfPath: path.join(dir, 'resolv.conf'),
        ...(networkingConfig ? { networkingConfig: networkingConfig as NetworkingConfigRequest } : {}),
      };
      writeContainerFiles({ hostname: record.hostnamePath, hosts: record.hostsPath, resolv: record.resolvConfPath },
        merged.Hostname, merged.Domainname ?? '', hostConfig);
      added = new Container(record);
      added.runtimeClean = true;
      added.rootfsMounts = rootfsMounts;
      store.add(added);
      await this.ctx.hooks.prepare(added);
      store.save(added); // what participants recorded (e.g. mount points)
      spans.mark('files+save');
      this.ctx.config.trace?.(spans.toString());
    } catch (err) {
      if (added) {
        await this.ctx.hooks.release(added);
        store.delete(added);
      }
      store.releaseName(finalName);
      await runtime.snapshots.remove(id).catch(() => undefined);
      fs.rmSync(store.dir(id), { recursive: true, force: true });
      throw err;
    }
    this.ctx.emit(added, 'create');
    return { Id: id, Warnings: warnings };
  }
}
