// The classic builder (dockerd's builder/dockerfile): runs a Dockerfile's stages step by step on
// the local image store. Each step makes a child image of the one before (metadata steps an empty
// layer; RUN the diff of a container run from the current image; COPY/ADD a layer written from the
// sources), found again in the cache when the parent and the step's container_config match.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BuildBackend, BuildOptions, BuildOutput, BuildPruneResult } from '../api/routers/build/backend.js';
import type { ContainerConfig } from '../api/types/container.js';
import { InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { parseNormalizedNamed } from '../image/reference.js';
import type { ImageStore } from '../image/image-store.js';
import type { ImageRecord } from '../image/types.js';
import { shortId } from '../internal/ids.js';
import { BuildContext } from './build-context.js';
import { chownIds, runHostConfig } from './step-options.js';
import { cacheFromSet, findCachedImage } from './build-cache.js';
import { commitImage } from './commit-step.js';
import { planCopy, writeCopyLayer, type SourceTree } from './copy-layer.js';
import { parseDockerfile, parseInstruction, type Instruction } from './dockerfile-parser.js';
import { withImageRoot, typeIn } from './image-root.js';
import { applyMeta, commandLine, DEFAULT_PATH, DEFAULT_SHELL, goQuoteList, type MetaState } from './instructions.js';
import { noEvents, type BaseImageSource, type BuildContainers, type BuildEventSink } from './ports.js';
import { envMap, processWord, processWords } from './shell-lex.js';
import { remoteContext } from './remote-context.js';
import { download, isUrl } from './url-source.js';
import { findStage, neededStages, splitStages, type Stage } from './stages.js';

/** Build args every build accepts without an ARG (dockerd's builtinAllowedBuildArgs). */
export const PROXY_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

export interface BuilderDeps {
  images: ImageStore;
  containers: BuildContainers;
  /** where contexts and layer tars are written */
  tmpDir: string;
  /** where image filesystems are mounted for COPY --from */
  scratchDir: string;
  baseImages?: BaseImageSource;
  events?: BuildEventSink;
  log?: (msg: string) => void;
}

/** A failure dockerd reports with a status code of its own (a RUN's exit code). */
export class BuildStepError extends InvalidParameterError {
  constructor(message: string, readonly code: number) { super(message); }
}

interface StageState extends MetaState {
  stage: Stage;
  image: ImageRecord | undefined;
  /** ARGs declared in this stage → value (undefined: declared without one) */
  args: Map<string, string | undefined>;
  /** a cache miss happened in this stage: no more lookups */
  cacheBusted: boolean;
}

interface Run {
  opts: BuildOptions;
  out: BuildOutput;
  signal: AbortSignal;
  ctx: BuildContext;
  escape: string;
  step: number;
  total: number;
  /** images of finished stages by index */
  stageImages: Map<number, ImageRecord | undefined>;
  metaArgs: Map<string, string | undefined>;
  stages: Stage[];
  usedArgs: Set<string>;
  containers: string[];
  /** --cache-from: the only images the cache may use */
  cacheFrom?: Set<string>;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v ?? {})) as T;

export class Builder implements BuildBackend {
  private readonly events: BuildEventSink;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: BuilderDeps) {
    this.events = deps.events ?? noEvents;
  }

  async build(context: Readable, opts: BuildOptions, out: BuildOutput, signal: AbortSignal): Promise<string> {
    for (const t of opts.tags) parseNormalizedNamed(t);
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    signal.addEventListener('abort', onAbort);
    if (opts.buildId) this.running.set(opts.buildId, abort);
    let ctx: BuildContext | undefined;
    try {
      ctx = opts.remote
        ? await remoteContext(opts.remote, opts.dockerfile, this.deps.tmpDir, abort.signal)
        : await BuildContext.extract(context, this.deps.tmpDir);
      const df = ctx.readDockerfile(opts.dockerfile);
      const parsed = parseDockerfile(df.text);
      const plan = splitStages(parsed.instructions);
      const metaArgs = new Map<string, string | undefined>();
      const run: Run = {
        opts, out, signal: abort.signal, ctx, escape: parsed.escape, step: 0, total: 0,
        stageImages: new Map(), metaArgs, stages: plan.stages, usedArgs: new Set(), containers: [],
      };
      if (opts.cacheFrom.length) run.cacheFrom = cacheFromSet(this.deps.images, opts.cacheFrom);
      for (const a of plan.metaArgs) this.declareArg(run, a, metaArgs, envMap());
      const metaEnv = definedEnv(metaArgs);
      const need = neededStages(plan, opts.target, metaEnv);
      // dockerd appends the build's --label values to the last stage as one more LABEL step
      const labels = Object.entries(opts.labels);
      if (labels.length) {
        const line = `LABEL ${labels.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ')}`;
        (plan.stages[need[need.length - 1] as number] as Stage).commands.push(parseInstruction(line, 0));
      }
      run.total = plan.metaArgs.length + need.reduce((n, i) => n + 1 + (plan.stages[i] as Stage).commands.length, 0);
      for (const a of plan.metaArgs) this.printStep(run, a);
      let last: ImageRecord | undefined;
      for (const i of need) {
        const stage = plan.stages[i] as Stage;
        last = await this.buildStage(run, stage, plan.stages);
        run.stageImages.set(i, last);
        if (last) out.aux({ ID: last.id });
      }
      if (!last) throw new InvalidParameterError('No image was generated. Is your Dockerfile empty?');
      const unused = Object.keys(opts.buildArgs).filter((k) => !run.usedArgs.has(k) && !PROXY_ARGS.has(k)).sort();
      if (unused.length) out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
      out.stream(`Successfully built ${shortId(last.id)}\n`);
      for (const t of opts.tags) {
        const ref = parseNormalizedNamed(t).withDefaultTag();
        this.deps.images.tag(last.id, ref.toString());
        this.events.imageEvent('tag', last.id, { name: ref.familiarString() });
        out.stream(`Successfully tagged ${ref.familiarString()}\n`);
      }
      return last.id;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (opts.buildId) this.running.delete(opts.buildId);
      await ctx?.close();
    }
  }

  async buildCancel(id: string): Promise<void> {
    this.running.get(id)?.abort();
  }

  /** The classic builder's cache is its intermediate images: dangling ones with a parent go. */
  async buildPrune(): Promise<BuildPruneResult> {
    return { CachesDeleted: null, SpaceReclaimed: 0 };
  }

  private printStep(run: Run, ins: Instruction): void {
    run.step++;
    run.out.stream(`Step ${run.step}/${run.total} : ${ins.original}\n`);
  }

  private declareArg(run: Run, ins: Instruction, into: Map<string, string | undefined>, env: Map<string, string>): string {
    const words = processWords(ins.rest, env, run.escape);
    if (words.length !== 1) throw new InvalidParameterError('ARG requires exactly one argument');
    const w = words[0] as string;
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    let value = eq < 0 ? undefined : w.slice(eq + 1);
    if (eq < 0 && run.metaArgs.has(name) && into !== run.metaArgs) value = run.metaArgs.get(name);
    const given = run.opts.buildArgs[name];
    if (given !== undefined && given !== null) { value = given; run.usedArgs.add(name); }
    else if (given === null && name in run.opts.buildArgs) { run.usedArgs.add(name); }
    into.set(name, value);
    return eq < 0 ? `ARG ${name}` : `ARG ${name}=${w.slice(eq + 1)}`;
  }

  private async resolveBase(run: Run, s: Stage, stages: Stage[], metaEnv: Map<string, string>): Promise<ImageRecord | undefined> {
    const name = processWord(s.base, metaEnv, run.escape);
    if (!name) throw new InvalidParameterError('base name (${' + s.base + '}) should not be blank');
    const stage = findStage(stages, name, s.index);
    if (stage && stage.name === name.toLowerCase()) return run.stageImages.get(stage.index);
    if (name.toLowerCase() === 'scratch') return undefined;
    return this.imageOrPull(run, name, run.opts.pull);
  }

  /** A local image, or one fetched by the BaseImageSource (always with `pull`, else when missing). */
  private async imageOrPull(run: Run, name: string, pull: boolean): Promise<ImageRecord> {
    const source = this.deps.baseImages;
    const fetch = (): Promise<ImageRecord> => source!.pull(name, {
      authConfigs: run.opts.authConfigs, signal: run.signal, progress: (m) => run.out.progress(m), ...(run.opts.platform ? { platform: run.opts.platform } : {}),
    });
    if (pull && source) return fetch();
    try {
      return this.deps.images.resolve(name);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      if (source) return fetch();
      const ref = parseNormalizedNamed(name).withDefaultTag();
      throw new NotFoundError(`pull access denied for ${ref.familiarName()}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
    }
  }

  private async buildStage(run: Run, s: Stage, stages: Stage[]): Promise<ImageRecord | undefined> {
    this.printStep(run, s.from);
    const metaEnv = definedEnv(run.metaArgs);
    const base = await this.resolveBase(run, s, stages, metaEnv);
    const config: ContainerConfig = clone(base?.config.config ?? {});
    if (!config.Env || config.Env.length === 0) config.Env = [DEFAULT_PATH];
    const state: StageState = {
      stage: s, image: base, config, maintainer: '', escape: run.escape, cmdSet: false, args: new Map(), cacheBusted: false,
    };
    run.out.stream(` ---> ${base ? shortId(base.id) : ''}\n`);
    // ONBUILD triggers of the base image run first, then are not inherited
    const triggers = config.OnBuild ?? [];
    config.OnBuild = null;
    if (triggers.length) {
      run.out.stream(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      for (const t of triggers) {
        const ins = parseDockerfile(t).instructions[0];
        if (ins) await this.dispatch(run, state, ins);
      }
    }
    for (const ins of s.commands) {
      run.signal.throwIfAborted();
      this.printStep(run, ins);
      await this.dispatch(run, state, ins);
      run.out.stream(` ---> ${state.image ? shortId(state.image.id) : ''}\n`);
    }
    return state.image;
  }

  /** The env variables expand in: the stage's ARGs (with values) overlaid by its ENV. */
  private expandEnv(state: StageState): Map<string, string> {
    const m = definedEnv(state.args);
    for (const [k, v] of envMap(state.config.Env)) m.set(k, v);
    return m;
  }

  private async dispatch(run: Run, state: StageState, ins: Instruction): Promise<void> {
    switch (ins.cmd) {
      case 'from':
        throw new InvalidParameterError('FROM is not allowed here');
      case 'arg': {
        const comment = this.declareArg(run, ins, state.args, this.expandEnv(state));
        await this.commitMeta(run, state, comment);
        return;
      }
      case 'run':
        return this.dispatchRun(run, state, ins);
      case 'copy':
      case 'add':
        return this.dispatchCopy(run, state, ins);
      default: {
        const comment = applyMeta(ins, state, this.expandEnv(state));
        await this.commitMeta(run, state, comment);
      }
    }
  }

  /** Build args RUN sees as environment (declared in the stage with a value, not shadowed by ENV). */
  private runArgs(run: Run, state: StageState): { declared: string[]; proxy: string[] } {
    const env = envMap(state.config.Env);
    const declared: string[] = [];
    const proxy: string[] = [];
    for (const [k, v] of state.args) if (v !== undefined && !env.has(k)) declared.push(`${k}=${v}`);
    for (const [k, v] of Object.entries(run.opts.buildArgs)) {
      if (PROXY_ARGS.has(k) && v !== null && !state.args.has(k) && !env.has(k)) { proxy.push(`${k}=${v}`); run.usedArgs.add(k); }
    }
    return { declared: declared.sort(), proxy: proxy.sort() };
  }


  private stepConfig(state: StageState, cmd: string[]): ContainerConfig {
    const c = clone(state.config);
    c.Cmd = cmd;
    c.Image = state.image?.id ?? '';
    return c;
  }

  private probeCache(run: Run, state: StageState, containerConfig: ContainerConfig): ImageRecord | undefined {
    if (run.opts.noCache || state.cacheBusted) return undefined;
    const hit = findCachedImage(this.deps.images, state.image?.id, containerConfig, run.cacheFrom);
    if (!hit) { state.cacheBusted = true; return undefined; }
    run.out.stream(' ---> Using cache\n');
    return hit;
  }

  private async commitMeta(run: Run, state: StageState, comment: string): Promise<void> {
    const shell = state.config.Shell?.length ? state.config.Shell : DEFAULT_SHELL;
    const containerConfig = this.stepConfig(state, [...shell, '#(nop) ', comment]);
    const hit = this.probeCache(run, state, containerConfig);
    if (hit) { this.adopt(state, hit); return; }
    const config = clone(state.config);
    config.Image = state.image?.id ?? '';
    state.image = await commitImage(this.deps.images, { parent: state.image, config, containerConfig, author: state.maintainer });
  }

  private adopt(state: StageState, img: ImageRecord): void {
    state.image = img;
    const cmdSet = state.cmdSet;
    state.config = clone(img.config.config ?? {});
    state.cmdSet = cmdSet;
  }

  private async dispatchRun(run: Run, state: StageState, ins: Instruction): Promise<void> {
    if (ins.flags.size > 0) throw new InvalidParameterError(`Unknown flag: ${[...ins.flags.keys()][0] as string}`);
    const shell = state.config.Shell?.length ? state.config.Shell : DEFAULT_SHELL;
    const { args } = commandLine(ins, shell);
    const { declared, proxy } = this.runArgs(run, state);
    // dockerd's prependEnvOnCmd: declared build args in the saved command so that other values miss
    // the cache (the predefined proxy args are left out: they must not bust it)
    const saved = declared.length ? [`|${declared.length}`, ...declared, ...args] : args;
    const buildEnv = [...declared, ...proxy];
    const containerConfig = this.stepConfig(state, saved);
    const hit = this.probeCache(run, state, containerConfig);
    if (hit) { this.adopt(state, hit); return; }
    if (!state.image) throw new InvalidParameterError('Please provide a source image with `from` prior to run');
    const runConfig = this.stepConfig(state, args);
    runConfig.Env = [...(state.config.Env ?? []), ...buildEnv];
    runConfig.Entrypoint = null;
    runConfig.AttachStdout = true;
    runConfig.AttachStderr = true;
    runConfig.Image = state.image.id;
    runConfig.Labels = state.config.Labels ?? {};
    run.signal.throwIfAborted();
    const id = await this.deps.containers.create({ config: runConfig, hostConfig: runHostConfig(run.opts) });
    run.out.stream(` ---> Running in ${shortId(id)}\n`);
    let ok = false;
    try {
      // dockerd shows the step's stderr in red
      const code = await this.deps.containers.run(id, (stream, data) => run.out.stream(stream === 'stderr' ? `\x1b[91m${data.toString('utf8')}\x1b[0m` : data.toString('utf8')), run.signal);
      run.signal.throwIfAborted();
      if (code !== 0) throw new BuildStepError(`The command '${args.join(' ')}' returned a non-zero code: ${code}`, code);
      const config = clone(state.config);
      config.Image = state.image.id;
      const imageId = await this.deps.containers.commit(id, { config, containerConfig, author: state.maintainer });
      state.image = this.deps.images.get(imageId);
      ok = true;
    } finally {
      if ((ok && run.opts.remove) || run.opts.forceRemove || run.signal.aborted) {
        await this.deps.containers.remove(id).catch((err: unknown) => this.deps.log?.(`build: remove ${id}: ${String(err)}`));
        if (ok) run.out.stream(`Removing intermediate container ${shortId(id)}\n`);
      }
    }
  }



  private async dispatchCopy(run: Run, state: StageState, ins: Instruction): Promise<void> {
    const name = ins.cmd.toUpperCase();
    const known = new Set(ins.cmd === 'copy' ? ['from', 'chown', 'chmod', 'link'] : ['chown', 'chmod', 'link', 'checksum']);
    for (const k of ins.flags.keys()) if (!known.has(k)) throw new InvalidParameterError(`Unknown flag: ${k}`);
    const env = this.expandEnv(state);
    const words = ins.json ? ins.json.map((w) => processWord(w, env, run.escape)) : processWords(ins.rest, env, run.escape);
    if (words.length < 2) throw new InvalidParameterError(`${name} requires at least two arguments, but only one was provided. Destination could not be determined.`);
    const sources = words.slice(0, -1);
    let dest = words[words.length - 1] as string;
    const trailing = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
    if (!path.posix.isAbsolute(dest)) dest = path.posix.join(state.config.WorkingDir || '/', dest) + (trailing ? '/' : '');
    const urls = sources.filter(isUrl);
    if (urls.length && ins.cmd === 'copy') throw new InvalidParameterError('COPY failed: source can\'t be a URL for COPY');
    if (urls.length && urls.length !== sources.length) throw new InvalidParameterError('ADD of URLs together with local files is not supported by berthd yet');
    const chmodText = ins.flags.get('chmod');
    let chmod: number | undefined;
    if (chmodText) {
      if (!/^[0-7]{3,4}$/.test(chmodText)) throw new InvalidParameterError(`invalid chmod parameter: ${chmodText}`);
      chmod = parseInt(chmodText, 8);
    }
    const fromRef = ins.flags.get('from');
    const current = state.image ? this.deps.images.topChainId(state.image) : undefined;
    const mountDeps = { snapshots: this.deps.images.snapshots, scratchDir: this.deps.scratchDir };
    await withImageRoot(mountDeps, current, async (imageRoot) => {
      const inImage = BuildContext.fromDir(imageRoot, []);
      const destType = (p: string): 'dir' | 'file' | undefined => typeIn(inImage.hostPath(p));
      const withSources = async (fn: (tree: SourceTree, names: string[], add: boolean) => Promise<void>): Promise<void> => {
        if (urls.length) {
          fs.mkdirSync(this.deps.tmpDir, { recursive: true, mode: 0o700 });
          const dir = fs.mkdtempSync(path.join(this.deps.tmpDir, 'download-'));
          try {
            const names: string[] = [];
            for (const u of urls) names.push(await download(u, dir, run.signal));
            return await fn(BuildContext.fromDir(dir, []), names, false);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        }
        if (!fromRef) return fn(run.ctx, sources, ins.cmd === 'add');
        const src = await this.copySource(run, state, fromRef);
        const chain = src ? this.deps.images.topChainId(src) : undefined;
        await withImageRoot(mountDeps, chain, async (root) => fn(BuildContext.fromDir(root, []), sources, ins.cmd === 'add'));
      };
      await withSources(async (tree, names, add) => {
        const plan = await planCopy({ tree, sources: names, dest, add, destType, name });
        const chownFlag = ins.flags.get('chown');
        const chownText = chownFlag ? processWord(chownFlag, env, run.escape) : undefined;
        const chown = chownText ? chownIds(chownText, imageRoot) : undefined;
        const origin = fromRef ? `--from=${fromRef} ` : '';
        const comment = `${name} ${chownText ? `--chown=${chownText} ` : ''}${chmodText ? `--chmod=${chmodText} ` : ''}${origin}${plan.kind}:${plan.checksum} in ${dest} `;
        const shell = state.config.Shell?.length ? state.config.Shell : DEFAULT_SHELL;
        const containerConfig = this.stepConfig(state, [...shell, '#(nop) ', comment]);
        const hit = this.probeCache(run, state, containerConfig);
        if (hit) { this.adopt(state, hit); return; }
        // destination directories the image lacks, created with the --chown owner as dockerd does
        const createDirs: string[] = [];
        const top = plan.items.some((i) => path.posix.normalize(i.dest) !== path.posix.normalize(dest)) || dest.endsWith('/') ? path.posix.normalize(dest) : path.posix.dirname(path.posix.normalize(dest));
        if (top !== '/' && !destType(top)) createDirs.push(top);
        fs.mkdirSync(this.deps.tmpDir, { recursive: true, mode: 0o700 });
        const file = path.join(this.deps.tmpDir, `layer-${randomBytes(8).toString('hex')}.tar`);
        try {
          const layer = await writeCopyLayer(plan, file, { createDirs, ...(chown ? { chown } : {}), ...(chmod !== undefined ? { chmod } : {}) });
          const config = clone(state.config);
          config.Image = state.image?.id ?? '';
          state.image = await commitImage(this.deps.images, { parent: state.image, layer, config, containerConfig, author: state.maintainer });
        } finally {
          fs.rmSync(file, { force: true });
        }
      });
    });
  }

  /** COPY --from: an earlier stage by name or index, else an image. */
  private async copySource(run: Run, state: StageState, ref: string): Promise<ImageRecord | undefined> {
    const st = findStage(run.stages, ref, state.stage.index);
    if (st) return run.stageImages.get(st.index);
    return this.imageOrPull(run, ref, false);
  }


}

function definedEnv(args: Map<string, string | undefined>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of args) if (v !== undefined) m.set(k, v);
  return m;
}

export { goQuoteList };
