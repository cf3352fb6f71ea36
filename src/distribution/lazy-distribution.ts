// The registry side (pull, push, login, search, remote inspect), loaded on first use: its modules
// (registry client, manifests, push, the HTTPS transport) are not needed by an idle daemon, and
// loading them at startup cost berthd's idle memory. Configuration and the event sink given before
// the first use are handed over when it loads.
import type {
  LoginResult, PullRequestOptions, PushRequestOptions, RegistryBackend, SearchResult,
} from '../api/routers/distribution/backend.js';
import type { DistributionDeps, DistributionService, ImagePuller } from './distribution-service.js';
import type { ImageEventSink } from './image-events.js';
import type { RegistryConfig } from './registry-config.js';

export class LazyDistribution implements RegistryBackend {
  private service: Promise<DistributionService> | undefined;
  private config: Partial<RegistryConfig>;
  private events: ImageEventSink | undefined;

  constructor(private readonly deps: DistributionDeps) {
    this.config = { ...deps.config };
    this.events = deps.events;
  }

  private get(): Promise<DistributionService> {
    this.service ??= import('./distribution-service.js').then(({ DistributionService: Service }) =>
      new Service({ ...this.deps, config: this.config, ...(this.events ? { events: this.events } : {}) }));
    return this.service;
  }

  /** As DistributionService.reconfigure (a daemon.json reload), before or after the first use. */
  reconfigure(config: Partial<RegistryConfig>): void {
    this.config = { ...this.config, ...config };
    void this.service?.then((s) => s.reconfigure(config));
  }

  setEventSink(sink: ImageEventSink): void {
    this.events = sink;
    void this.service?.then((s) => s.setEventSink(sink));
  }

  readonly pullImage: ImagePuller = async (ref, options) => (await this.get()).pullImage(ref, options);

  async imagePull(options: PullRequestOptions): Promise<void> { return (await this.get()).imagePull(options); }
  async imagePush(options: PushRequestOptions): Promise<void> { return (await this.get()).imagePush(options); }
  async login(body: unknown, signal: AbortSignal): Promise<LoginResult> { return (await this.get()).login(body, signal); }
  async distributionInspect(name: string, authHeader: string | undefined, signal: AbortSignal): Promise<Record<string, unknown>> {
    return (await this.get()).distributionInspect(name, authHeader, signal);
  }
  async imageSearch(term: string, options: { limit: number; filters: Record<string, string[]>; authHeader?: string; signal: AbortSignal }): Promise<SearchResult[]> {
    return (await this.get()).imageSearch(term, options);
  }
}
