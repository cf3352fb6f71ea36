// Type checks of a container create body (and of the HostConfig in update and pre-1.24 start
// bodies) before the daemon uses it. dockerd decodes bodies into Go structs, so a wrongly typed field
// fails there with a `json: cannot unmarshal …` message; berthd gives the same text (as a 400: it is
// the client's input) instead of failing deeper down.
import { InvalidParameterError } from '../../errdefs/index.js';

/** Go type of a field, as named in dockerd's unmarshal errors. */
type GoType =
  | 'string' | 'bool' | 'int' | 'int64' | 'uint16' | 'uint64'
  | '[]string' | 'strslice.StrSlice' | 'map[string]string' | 'object' | 'array';

interface Field { type: GoType; goName?: string }

const CONFIG_FIELDS: Record<string, Field> = {
  Hostname: { type: 'string' }, Domainname: { type: 'string' }, User: { type: 'string' },
  AttachStdin: { type: 'bool' }, AttachStdout: { type: 'bool' }, AttachStderr: { type: 'bool' },
  ExposedPorts: { type: 'object', goName: 'nat.PortSet' }, Tty: { type: 'bool' }, OpenStdin: { type: 'bool' },
  StdinOnce: { type: 'bool' }, Env: { type: '[]string' }, Cmd: { type: 'strslice.StrSlice' },
  Healthcheck: { type: 'object', goName: 'container.HealthConfig' }, ArgsEscaped: { type: 'bool' },
  Image: { type: 'string' }, Volumes: { type: 'object', goName: 'map[string]struct {}' }, WorkingDir: { type: 'string' },
  Entrypoint: { type: 'strslice.StrSlice' }, NetworkDisabled: { type: 'bool' }, MacAddress: { type: 'string' },
  OnBuild: { type: '[]string' }, Labels: { type: 'map[string]string' }, StopSignal: { type: 'string' },
  StopTimeout: { type: 'int' }, Shell: { type: 'strslice.StrSlice' },
  HostConfig: { type: 'object', goName: 'container.HostConfig' },
  NetworkingConfig: { type: 'object', goName: 'network.NetworkingConfig' },
};

const HOST_CONFIG_FIELDS: Record<string, Field> = {
  Binds: { type: '[]string' }, ContainerIDFile: { type: 'string' },
  LogConfig: { type: 'object', goName: 'container.LogConfig' }, NetworkMode: { type: 'string', goName: 'container.NetworkMode' },
  PortBindings: { type: 'object', goName: 'nat.PortMap' }, RestartPolicy: { type: 'object', goName: 'container.RestartPolicy' },
  AutoRemove: { type: 'bool' }, VolumeDriver: { type: 'string' }, VolumesFrom: { type: '[]string' },
  CapAdd: { type: 'strslice.StrSlice' }, CapDrop: { type: 'strslice.StrSlice' },
  CgroupnsMode: { type: 'string', goName: 'container.CgroupnsMode' },
  Dns: { type: '[]string' }, DnsOptions: { type: '[]string' }, DnsSearch: { type: '[]string' },
  ExtraHosts: { type: '[]string' }, GroupAdd: { type: '[]string' }, IpcMode: { type: 'string', goName: 'container.IpcMode' },
  Cgroup: { type: 'string', goName: 'container.CgroupSpec' }, Links: { type: '[]string' }, OomScoreAdj: { type: 'int' },
  PidMode: { type: 'string', goName: 'container.PidMode' }, Privileged: { type: 'bool' }, PublishAllPorts: { type: 'bool' },
  ReadonlyRootfs: { type: 'bool' }, SecurityOpt: { type: '[]string' }, StorageOpt: { type: 'map[string]string' },
  Tmpfs: { type: 'map[string]string' }, UTSMode: { type: 'string', goName: 'container.UTSMode' },
  UsernsMode: { type: 'string', goName: 'container.UsernsMode' }, ShmSize: { type: 'int64' },
  Sysctls: { type: 'map[string]string' }, Runtime: { type: 'string' },
  Isolation: { type: 'string', goName: 'container.Isolation' }, CpuShares: { type: 'int64' }, Memory: { type: 'int64' },
  NanoCpus: { type: 'int64' }, CgroupParent: { type: 'string' }, BlkioWeight: { type: 'uint16' },
  CpuPeriod: { type: 'int64' }, CpuQuota: { type: 'int64' }, CpuRealtimePeriod: { type: 'int64' },
  CpuRealtimeRuntime: { type: 'int64' }, CpusetCpus: { type: 'string' }, CpusetMems: { type: 'string' },
  Devices: { type: 'array', goName: '[]container.DeviceMapping' }, DeviceCgroupRules: { type: '[]string' },
  DeviceRequests: { type: 'array', goName: '[]container.DeviceRequest' }, KernelMemory: { type: 'int64' },
  KernelMemoryTCP: { type: 'int64' }, MemoryReservation: { type: 'int64' }, MemorySwap: { type: 'int64' },
  MemorySwappiness: { type: 'int64' }, OomKillDisable: { type: 'bool' }, PidsLimit: { type: 'int64' },
  Ulimits: { type: 'array', goName: '[]*units.Ulimit' }, CpuCount: { type: 'int64' }, CpuPercent: { type: 'int64' },
  IOMaximumIOps: { type: 'uint64' }, IOMaximumBandwidth: { type: 'uint64' },
  Mounts: { type: 'array', goName: '[]mount.Mount' }, MaskedPaths: { type: '[]string' }, ReadonlyPaths: { type: '[]string' },
  Init: { type: 'bool' },
};

const RESTART_POLICY_FIELDS: Record<string, Field> = {
  Name: { type: 'string' }, MaximumRetryCount: { type: 'int' },
};

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return typeof v; // string | object
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unmarshalError(value: unknown, where: string, goType: string, withValue = false): InvalidParameterError {
  // Go names a number that does not fit an integer type with its value ("number 1.5", "number -1").
  const kind = withValue ? `number ${String(value)}` : jsonKind(value);
  return new InvalidParameterError(`json: cannot unmarshal ${kind} into Go struct field ${where} of type ${goType}`);
}

function checkInteger(v: number, type: GoType, where: string): void {
  const unsigned = type === 'uint16' || type === 'uint64';
  if (!Number.isInteger(v) || (unsigned && v < 0) || (type === 'uint16' && v > 0xffff)) throw unmarshalError(v, where, type, true);
}

function checkField(v: unknown, field: Field, where: string): void {
  if (v === null || v === undefined) return; // Go leaves the zero value
  const goType = field.goName ?? field.type;
  const wrong = (): InvalidParameterError => unmarshalError(v, where, goType);
  switch (field.type) {
    case 'string': if (typeof v !== 'string') throw wrong(); return;
    case 'bool': if (typeof v !== 'boolean') throw wrong(); return;
    case 'int': case 'int64': case 'uint16': case 'uint64':
      if (typeof v !== 'number') throw wrong();
      checkInteger(v, field.type, where);
      return;
    case 'strslice.StrSlice':
      if (typeof v === 'string') return;
      if (!Array.isArray(v)) throw wrong();
      for (const e of v) if (typeof e !== 'string') throw unmarshalError(e, where, 'string');
      return;
    case '[]string':
      if (!Array.isArray(v)) throw wrong();
      for (const e of v) if (typeof e !== 'string') throw unmarshalError(e, where, 'string');
      return;
    case 'map[string]string':
      if (!isObject(v)) throw wrong();
      for (const e of Object.values(v)) if (typeof e !== 'string' && e !== null) throw unmarshalError(e, where, 'string');
      return;
    case 'object': if (!isObject(v)) throw wrong(); return;
    case 'array': if (!Array.isArray(v)) throw wrong(); return;
  }
}

/** Go names a field by its innermost struct and the path of JSON keys to it: "HostConfig.HostConfig.Memory". */
function checkFields(obj: Record<string, unknown>, fields: Record<string, Field>, struct: string, path: string[]): void {
  for (const [name, field] of Object.entries(fields)) {
    if (name in obj) checkField(obj[name], field, `${struct}.${[...path, name].join('.')}`);
  }
}

/** The HostConfig fields of `hc`, decoded as struct `struct` at JSON path `path`. */
export function checkHostConfigTypes(hc: Record<string, unknown>, struct: string, path: string[] = []): void {
  checkFields(hc, HOST_CONFIG_FIELDS, struct, path);
  const rp = hc.RestartPolicy;
  if (isObject(rp)) checkFields(rp, RESTART_POLICY_FIELDS, 'RestartPolicy', [...path, 'RestartPolicy']);
}

/** Throws dockerd's unmarshal message (as a 400) for the first wrongly typed field of a create body. */
export function checkCreateBodyTypes(body: Record<string, unknown>, wrapper = 'ContainerConfigWrapper'): void {
  checkFields(body, CONFIG_FIELDS, wrapper, []);
  const hc = body.HostConfig;
  if (isObject(hc)) checkHostConfigTypes(hc, 'HostConfig', ['HostConfig']);
}
