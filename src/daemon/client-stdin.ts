// A client's stdin on an attach or exec stream, and what the end of it means for the process. The
// rule is dockerd's (container/stream/attach.go): only when the client's stdin reaches EOF, the
// stream closes stdin on EOF (a container's StdinOnce; always for an exec) and the process has no
// TTY, is the process's stdin closed, its output still flowing to the client until it exits.
// Otherwise (a detach key sequence, or EOF on a TTY or without StdinOnce) only the client's stream
// ends and the process keeps its stdin open for a later attach. That matters for detaching: the
// docker CLI spots ctrl-p ctrl-q itself and just closes the connection, which reads as EOF here;
// closing stdin then would end the `sh` of `docker run -it`.
import type { Writable } from 'node:stream';
import { endWritable, pumpStdin } from '../internal/stream-pumps.js';

export interface ClientStdinOptions {
  /** the process's stdin, once it can be written (a client may attach before the start) */
  target(): Promise<Writable>;
  tty: boolean;
  /** empty: copy verbatim (dockerd looks for detach keys on TTY streams only) */
  detachKeys: Buffer;
  /** StdinOnce for a container's process; true for an exec */
  closeOnEof: boolean;
  /** CloseIO: releases the shim's own write end of the stdin FIFO, so the process reads EOF */
  closeIO(): Promise<void>;
}

/** 'stdin-closed': keep streaming output until the process ends; 'detached': end the client's stream now. */
export type ClientStdinEnd = 'stdin-closed' | 'detached';

export async function copyClientStdin(stdin: AsyncIterable<Buffer>, options: ClientStdinOptions): Promise<ClientStdinEnd> {
  const how = await pumpStdin(stdin, options.target, options.detachKeys);
  if (!closesStdin(how, options)) return 'detached';
  // Waits for the process's stdin when the EOF came before the start (`docker run -i … </dev/null`):
  // closing nothing then would leave `cat` waiting for input forever. Our end is closed after its
  // queued bytes are written; that alone is no EOF, as the shim holds a write end itself.
  const w = await options.target();
  await endWritable(w);
  await options.closeIO();
  return 'stdin-closed';
}

export function closesStdin(how: 'eof' | 'detach', options: Pick<ClientStdinOptions, 'tty' | 'closeOnEof'>): boolean {
  return how === 'eof' && options.closeOnEof && !options.tty;
}
