// API 1.12–1.24, described by prose docs (reference/api/v1.XX.md) rather than specs: typed as
// 1.25 where they agree, plus the operations and bodies that differ, written from those docs.
import type { Readable } from 'node:stream';
import type { CallOptions, OperationSpec } from './call-types.js';
import type { components, Methods as V125 } from './generated/v1.25.js';

export interface LegacyMethods extends Omit<V125, 'containerStart'> {
  /** POST /containers/{id}/copy (API < 1.24): the resource as a tar stream. */
  containerCopy(args: { id: string; body: { Resource: string } }, options?: CallOptions): Promise<Readable>;
  /** POST /containers/{id}/start: before API 1.24 the body may carry a HostConfig. */
  containerStart(args: { id: string; detachKeys?: string; body?: components['schemas']['HostConfig'] }, options?: CallOptions): Promise<void>;
}

/** The runtime half: where the legacy operations differ from the generated table. */
export const legacyOperations = {
  containerCopy: {
    operationId: 'ContainerCopy', method: 'POST', path: '/containers/{id}/copy', pathParams: ['id'], query: [], header: [],
    body: 'json', bodyContentType: 'application/json', result: 'binary', since: '1.12',
  },
  containerStart: {
    operationId: 'ContainerStart', method: 'POST', path: '/containers/{id}/start', pathParams: ['id'], query: ['detachKeys'], header: [],
    body: 'json', bodyContentType: 'application/json', result: 'none', since: '1.12',
  },
} as const satisfies Record<string, OperationSpec>;
