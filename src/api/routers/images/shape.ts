// Per-version shaping of image responses and requests. The list summary comes in the newest (v1.55)
// shape; inspect comes as dockerd's inspect data (every version's fields, image-shape.ts) and each
// version keeps what it had. Versions and texts follow CHANGELOG.md and dockerd's image_routes.go.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { versionGte, versionLt } from '../../../internal/version.js';
import { withKeysAfter } from '../../../internal/object-keys.js';
import type { ImageInspect, ImageSummary } from './backend.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Before 1.43 dockerd leaves an image's empty RepoTags or RepoDigests list nil (JSON null) when the
 * other one has entries, and puts the <none> placeholders in both when neither has (moby's
 * getImagesJSON; 1.43 made them empty arrays).
 */
export function repoListsBefore143(tags: unknown, digests: unknown): { RepoTags: unknown; RepoDigests: unknown } {
  const empty = (v: unknown): boolean => !Array.isArray(v) || v.length === 0;
  if (empty(tags) && empty(digests)) return { RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] };
  return { RepoTags: empty(tags) ? null : tags, RepoDigests: empty(digests) ? null : digests };
}

export function shapeImageSummary(s: ImageSummary, version: string): Record<string, unknown> {
  let out: Record<string, unknown> = { ...s };
  // 1.51: Containers counts the image's containers; before, dockerd always sent -1.
  if (versionLt(version, '1.51')) out.Containers = -1;
  // 1.44: VirtualSize (= Size) removed.
  if (versionLt(version, '1.44')) out = withKeysAfter(out, 'SharedSize', { VirtualSize: s.Size });
  // 1.43: empty lists instead of the <none> placeholders and of null.
  if (versionLt(version, '1.43')) Object.assign(out, repoListsBefore143(s.RepoTags, s.RepoDigests));
  // SharedSize and Containers (-1 unless computed) are sent at every version: the docs before
  // 1.25 do not list them and the CHANGELOG never says they were added; dockerd sends them.
  if (versionLt(version, '1.17')) delete out.Labels; // CHANGELOG v1.17: "returns the labels ... (Labels)"
  if (versionLt(version, '1.18')) delete out.RepoDigests; // CHANGELOG v1.18: "added a RepoDigests field"
  return out;
}

/** The image-spec's container config fields (dockerspec.DockerOCIImageConfig): what 1.50+ shows in Config. */
const IMAGE_CONFIG_FIELDS = [
  'User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'ArgsEscaped',
  'Healthcheck', 'OnBuild', 'Shell',
] as const;

/** Fields dockerd 1.50 and 1.51 still sent when empty (no omitempty then; moby#50134). */
const CONFIG_ALWAYS_1_50 = ['User', 'Env', 'Cmd', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels'];

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

/**
 * Config of image inspect. Up to 1.49: container.Config with its defaults (as stored).
 * 1.50: only the image-spec fields (Hostname, Attach*, Tty, Image... dropped, deprecated in 1.46),
 * 1.50–1.51 with the always-sent ones even when empty; from 1.52 every empty field is omitted.
 */
export function shapeImageConfig(config: Record<string, unknown> | null, version: string): Record<string, unknown> | null {
  if (config === null || versionLt(version, '1.50')) return config;
  const out: Record<string, unknown> = {};
  const keepEmpty = versionLt(version, '1.52') ? CONFIG_ALWAYS_1_50 : [];
  for (const k of IMAGE_CONFIG_FIELDS) {
    const v = config[k];
    if (!isEmpty(v)) out[k] = v;
    else if (keepEmpty.includes(k)) out[k] = v ?? (k === 'User' || k === 'WorkingDir' ? '' : null);
  }
  return out;
}

export function shapeImageInspect(i: ImageInspect, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...i };
  out.Config = shapeImageConfig((i.Config ?? null) as Record<string, unknown> | null, version);
  // 1.52: Parent, Comment, DockerVersion and Author omitted when empty.
  if (versionGte(version, '1.52')) for (const k of ['Parent', 'Comment', 'DockerVersion', 'Author']) if (out[k] === '') delete out[k];
  // 1.45: Container and ContainerConfig removed.
  if (versionGte(version, '1.45')) { delete out.Container; delete out.ContainerConfig; }
  // 1.44: VirtualSize removed; Created omitted when the image config has none (was Go's zero time).
  if (versionGte(version, '1.44')) {
    delete out.VirtualSize;
    if (out.Created === ZERO_TIME) delete out.Created;
  }
  // RootFS and Metadata are sent at every version: the older docs do not list them and the
  // CHANGELOG never says they were added; dockerd sends them.
  // CHANGELOG v1.21: "GET /images/(name)/json now returns ... RepoTags and RepoDigests".
  if (versionLt(version, '1.21')) { delete out.RepoTags; delete out.RepoDigests; }
  return out;
}

/** `shared-size` on GET /images/json exists from 1.42. */
export function listSharedSize(requested: boolean, version: string): boolean {
  return requested && versionGte(version, '1.42');
}

export interface OciPlatform { os?: string; architecture?: string; variant?: string; 'os.version'?: string }

/**
 * A JSON-encoded OCI platform query value (`platform` on inspect 1.49, history/get/load 1.48,
 * `platforms` on delete 1.50); undefined for older versions, where dockerd ignores the parameter.
 */
export function platformParams(values: string[], version: string, since: string): OciPlatform[] | undefined {
  if (versionLt(version, since) || values.length === 0) return undefined;
  return values.filter((v) => v !== '').map((v) => {
    let p: unknown;
    try { p = JSON.parse(v); } catch { throw new InvalidParameterError(`failed to parse platform: invalid JSON: ${v}`); }
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new InvalidParameterError(`failed to parse platform: invalid JSON: ${v}`);
    return p as OciPlatform;
  });
}
