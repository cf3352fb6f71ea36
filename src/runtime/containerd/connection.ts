// One gRPC channel to containerd shared by all service clients, plus the call helpers that add the
// namespace (and, when asked, lease) metadata, the default deadline and the error mapping.
import * as grpc from '@grpc/grpc-js';
import { fromGrpcError, grpcCode } from './errors.js';
import { serviceClientConstructor, type ServiceName } from './proto.js';

/** Unary calls give up after this long; Tasks.Wait and streams have no deadline. */
export const DEFAULT_DEADLINE_MS = 60_000;
export const IMAGE_LEASE_ID = 'berth-images';

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;
type ServerStreamMethod = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;
type BidiStreamMethod = (metadata: grpc.Metadata, options: grpc.CallOptions) => grpc.ClientDuplexStream<object, unknown>;

export interface CallOptions {
  /** add `containerd-lease: berth-images` so containerd's GC keeps what the call creates */
  lease?: boolean;
  /** false: no deadline (Tasks.Wait) */
  deadline?: boolean;
}

export class Connection {
  private readonly clients = new Map<ServiceName, grpc.Client>();
  private readonly channel: grpc.ChannelInterface;
  private leaseReady: Promise<void> | undefined;
  private closed = false;

  constructor(readonly address: string, readonly namespace: string) {
    const target = address.startsWith('unix:') ? address : `unix://${address}`;
    const Version = serviceClientConstructor('version');
    const first = new Version(target, grpc.credentials.createInsecure(), {
      // content chunks are 1 MiB; leave room for large List responses
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
      // reconnect quickly after a containerd restart
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
    });
    this.clients.set('version', first);
    this.channel = first.getChannel();
  }

  client(name: ServiceName): grpc.Client {
    let client = this.clients.get(name);
    if (!client) {
      const Ctor = serviceClientConstructor(name);
      client = new Ctor('unused', grpc.credentials.createInsecure(), {
        // share one HTTP/2 connection; getChannel() is typed as the interface, the option wants the class
        channelOverride: this.channel as grpc.Channel,
      });
      this.clients.set(name, client);
    }
    return client;
  }

  metadata(lease: boolean): grpc.Metadata {
    const md = new grpc.Metadata();
    md.set('containerd-namespace', this.namespace);
    if (lease) md.set('containerd-lease', IMAGE_LEASE_ID);
    return md;
  }

  private callOptions(options: CallOptions): grpc.CallOptions {
    return options.deadline === false ? {} : { deadline: Date.now() + DEFAULT_DEADLINE_MS };
  }

  async unary<T>(service: ServiceName, method: string, request: object, options: CallOptions = {}): Promise<T> {
    if (options.lease) await this.ensureLease();
    return this.rawUnary<T>(service, method, request, options);
  }

  private rawUnary<T>(service: ServiceName, method: string, request: object, options: CallOptions): Promise<T> {
    const client = this.client(service) as unknown as Record<string, UnaryMethod>;
    const fn = client[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`no method ${service}.${method}`));
    return new Promise<T>((resolve, reject) => {
      fn.call(client, request, this.metadata(options.lease ?? false), this.callOptions(options), (err, response) => {
        if (err) reject(fromGrpcError(err));
        else resolve(response as T);
      });
    });
  }

  serverStream<T>(service: ServiceName, method: string, request: object): grpc.ClientReadableStream<T> {
    const client = this.client(service) as unknown as Record<string, ServerStreamMethod>;
    return client[method]!.call(client, request, this.metadata(false), {}) as grpc.ClientReadableStream<T>;
  }

  async bidiStream<T>(service: ServiceName, method: string, options: CallOptions = {}): Promise<grpc.ClientDuplexStream<object, T>> {
    if (options.lease) await this.ensureLease();
    const client = this.client(service) as unknown as Record<string, BidiStreamMethod>;
    return client[method]!.call(client, this.metadata(options.lease ?? false), {}) as grpc.ClientDuplexStream<object, T>;
  }

  /**
   * The image lease has no expiry, so everything created under it (blobs, layer snapshots) stays
   * until deleted explicitly. Created once per process; ALREADY_EXISTS means an earlier run made it.
   * A failure (containerd not up yet) is not cached, so the next call tries again.
   */
  ensureLease(): Promise<void> {
    if (!this.leaseReady) {
      this.leaseReady = this.rawUnary('leases', 'Create', { id: IMAGE_LEASE_ID, labels: {} }, {}).then(
        () => undefined,
        (err: unknown) => {
          if (grpcCode(err) === grpc.status.ALREADY_EXISTS) return;
          this.leaseReady = undefined;
          throw err;
        },
      );
    }
    return this.leaseReady;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.channel.close();
  }
}
