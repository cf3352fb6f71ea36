// The TCP front of a TLS listener: a connection whose first byte opens a TLS handshake goes to the
// https server; anything else (a plain-HTTP client on a TLS port) gets Go's answer, as from dockerd,
// instead of a reset the client cannot explain.
import type https from 'node:https';
import net from 'node:net';

const TLS_HANDSHAKE = 0x16;
const PLAIN_HTTP_REFUSAL = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

export function tlsFront(server: https.Server): net.Server {
  return net.createServer({ pauseOnConnect: false }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      if (chunk[0] !== TLS_HANDSHAKE) {
        socket.end(PLAIN_HTTP_REFUSAL);
        return;
      }
      socket.removeAllListeners('error');
      // the TLS socket reads what is buffered on the raw socket before its handle's data
      socket.unshift(chunk);
      server.emit('connection', socket);
    });
  });
}
