// What the registry-facing routes need: pull and push (under /images), login (/auth), remote
// inspect (/distribution/{name}/json) and search (/images/search).
export interface RegistryProgress {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: Record<string, unknown>;
}

export interface PullRequestOptions {
  fromImage: string;
  tag?: string;
  /** "os/arch[/variant]" (1.32) */
  platform?: string;
  /** X-Registry-Auth as sent */
  authHeader?: string;
  signal: AbortSignal;
  /** the first call opens the response stream: anything thrown before it is an HTTP error */
  onProgress: (p: RegistryProgress) => void;
}

export interface PushRequestOptions {
  name: string;
  tag?: string;
  authHeader?: string;
  signal: AbortSignal;
  onProgress: (p: RegistryProgress) => void;
}

export interface LoginResult {
  IdentityToken: string;
  Status: string;
}

export interface SearchResult {
  star_count: number;
  is_official: boolean;
  name: string;
  is_automated: boolean;
  description: string;
}

export interface RegistryBackend {
  imagePull(options: PullRequestOptions): Promise<void>;
  imagePush(options: PushRequestOptions): Promise<void>;
  login(body: unknown, signal: AbortSignal): Promise<LoginResult>;
  distributionInspect(name: string, authHeader: string | undefined, signal: AbortSignal): Promise<Record<string, unknown>>;
  imageSearch(term: string, options: { limit: number; filters: Record<string, string[]>; authHeader?: string; signal: AbortSignal }): Promise<SearchResult[]>;
}
