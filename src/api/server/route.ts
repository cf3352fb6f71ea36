// Route table types. Version gates live here, not in handlers.
import type { RequestContext } from './context.js';

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: Handler;
  /** first API version that has this route */
  minVersion?: string;
  /** last API version that has this route */
  maxVersion?: string;
  /** past maxVersion the handler is still called and answers for itself (dockerd still routes it) */
  handlesLaterVersions?: boolean;
}

export interface Router {
  routes(): Route[];
}
