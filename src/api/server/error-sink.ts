// The one place that turns a thrown error into an HTTP response: status from the error's class,
// body in Docker's `{"message": "..."}` form, or plain text for old API versions. Errors after the
// headers went out end the stream.
import { messageOf, statusCodeOf } from '../../errdefs/index.js';
import { versionLt } from '../../internal/version.js';
import type { RequestContext } from './context.js';

export function writeError(ctx: RequestContext, err: unknown, log: (msg: string) => void): void {
  const status = statusCodeOf(err);
  if (status >= 500 && status !== 501) log(`error handling ${ctx.req.method} ${ctx.req.url}: ${(err as Error)?.stack ?? String(err)}`);
  if (ctx.headersSent) {
    // Too late for a status code: close the stream so the client sees it end.
    ctx.res?.destroy();
    ctx.req.socket.destroy();
    return;
  }
  if (ctx.hijackedErrorContentType !== undefined) {
    // dockerd's attach: "HTTP/1.1 404 Not Found\r\nContent-Type: …\r\n\r\n<message>\r\n", then close
    ctx.sendBare(status, `${messageOf(err)}\r\n`, { 'Content-Type': ctx.hijackedErrorContentType });
    return;
  }
  if (status === 304) {
    ctx.noContent(304);
    return;
  }
  if (plainTextErrors(ctx.version)) ctx.sendText(status, messageOf(err));
  else ctx.send(status, { message: messageOf(err) });
}

/**
 * JSON error bodies came with API 1.24; dockerd (api/server/errorhandler.go, makeErrorHandler)
 * answers a /v1.23/… or older path with Go's http.Error instead. An unversioned path is the
 * newest version, so JSON.
 */
export function plainTextErrors(version: string): boolean {
  return versionLt(version, '1.24');
}
