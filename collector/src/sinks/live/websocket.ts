// The WebSocket endpoint, /v1/ws/ (and /v1/ws), on the API's HTTP listener:
// the `upgrade` event of the node http server is handed to a `ws` server in
// noServer mode. permessage-deflate is accepted when the client offers it:
// messages of 1 KiB and more are compressed, without context takeover and with
// a 1 KiB window, the same for every socket, so that a message is compressed
// once for all of them and no socket holds compressor state. ris_messages are
// written as prebuilt frames straight to the socket (outgoing.ts); ws handles
// the handshake, the client's messages, pings and the close.

import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { type RawData, WebSocket, WebSocketServer } from 'ws'
import { formatIPv4, formatIPv6, parseIP } from '../../wire/ip.ts'
import type { LiveSink, Transport } from './live-sink.ts'
import { DEFLATE_THRESHOLD, DEFLATE_WINDOW_BITS } from './outgoing.ts'

export const WS_PATHS: ReadonlySet<string> = new Set(['/v1/ws/', '/v1/ws'])

/** Largest client message accepted (a subscription with a long prefix array fits). */
const MAX_CLIENT_MESSAGE = 1024 * 1024

/** How long a closing socket may take to finish its close handshake before it is dropped. */
const CLOSE_GRACE_MS = 5000

/** The client's address, canonical (IPv4-mapped IPv6 as IPv4). */
export function clientAddress(req: IncomingMessage): string {
  const text = req.socket.remoteAddress ?? ''
  const b = parseIP(text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text)
  if (!b) return text
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b)
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

export interface LiveWebSocketServer {
  /** Stops accepting upgrades and closes the ws server (clients are closed by the sink). */
  close(): Promise<void>
}

export function attachWebSocket(server: Server, sink: LiveSink): LiveWebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE,
    // Accepted when offered; every socket gets the same parameters, so that messages are
    // compressed once for all of them (outgoing.ts), never per socket by ws.
    perMessageDeflate: {
      threshold: DEFLATE_THRESHOLD,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: DEFLATE_WINDOW_BITS,
    },
  })

  function onConnection(ws: WebSocket, req: IncomingMessage, socket: Duplex): void {
    // Every deflate socket negotiated the same parameters (see the server options), so
    // one compressed frame per message serves them all.
    const deflate = ws.extensions.includes('permessage-deflate')
    let corked = false
    const t: Transport = {
      kind: 'websocket',
      address: clientAddress(req),
      send: (text) => ws.send(text, { compress: false }),
      deliver(o, variant) {
        if (ws.readyState !== WebSocket.OPEN) return 0
        const f = o.wsFrame(variant, deflate)
        // Held until flush(): the frames of a few milliseconds leave in one writev.
        if (!corked) {
          corked = true
          socket.cork()
        }
        // The frame is whole and ws writes its own frames whole and in order (it compresses
        // nothing: protocol messages go uncompressed), so writing beside it is safe.
        socket.write(f)
        return f.length
      },
      flush() {
        if (!corked) return
        corked = false
        socket.uncork()
      },
      buffered: () => ws.bufferedAmount,
      close(code, reason) {
        ws.close(code, reason)
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
      },
    }
    const c = sink.connect(t)
    if (!c) return
    ws.on('message', (data) => sink.receive(c, text(data)))
    ws.on('close', () => sink.disconnect(c))
    ws.on('error', () => sink.disconnect(c))
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '/').split('?', 1)[0]!
    if (!WS_PATHS.has(path)) {
      // Someone else may serve this path; if nobody does, say so rather than leave the socket hanging.
      if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      }
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, socket))
  }
  server.on('upgrade', onUpgrade)

  return {
    close() {
      server.off('upgrade', onUpgrade)
      return new Promise((resolve) => wss.close(() => resolve()))
    },
  }
}
