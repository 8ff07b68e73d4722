// The HTTP stream endpoint: GET /v1/stream/?format=json — one JSON envelope
// per line (NDJSON) on a response that never ends by itself. Its one
// subscription is the JSON of a ris_subscribe data object in the request
// header X-RIS-Subscribe (no header: everything), socketOptions included.
// Input that is not valid is answered before streaming starts: 400 with the
// ris_error line as the body; over the per-address limit, 429.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LiveSink, Transport } from './live-sink.ts'
import { CLOSE, risError } from './protocol.ts'
import { parseSubscribe, SubscribeError } from './subscription.ts'
import { clientAddress } from './websocket.ts'

export const STREAM_PATHS: ReadonlySet<string> = new Set(['/v1/stream/', '/v1/stream'])

export const SUBSCRIBE_HEADER = 'x-ris-subscribe'

function refuse(res: ServerResponse, status: number, message: string): void {
  const body = `${risError(message)}\n`
  res.writeHead(status, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** Serves one stream request on the node response (the caller has nothing more to send). */
export function handleStream(sink: LiveSink, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const format = url.searchParams.get('format') ?? 'json'
  if (format !== 'json') {
    refuse(res, 400, `format '${format}' is not supported (format=json)`)
    return
  }
  const header = req.headers[SUBSCRIBE_HEADER]
  const text = Array.isArray(header) ? header.join(',') : header
  let data: unknown = null
  if (text !== undefined && text.trim() !== '') {
    try {
      data = JSON.parse(text)
    } catch (e) {
      refuse(res, 400, `X-RIS-Subscribe is not valid JSON: ${(e as Error).message}`)
      return
    }
  }
  try {
    parseSubscribe(data, { domain: sink.limits.domain })
  } catch (e) {
    if (!(e instanceof SubscribeError)) throw e
    refuse(res, 400, e.message)
    return
  }
  const address = clientAddress(req)
  const refused = sink.refusal(address)
  if (refused) {
    sink.refused()
    refuse(res, 429, refused)
    return
  }
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  })
  res.flushHeaders()
  const socket = res.socket
  socket?.setNoDelay(true)
  let corked = false
  const t: Transport = {
    kind: 'stream',
    address,
    send: (text) => res.write(`${text}\n`),
    deliver(o, variant) {
      const f = o.frame(variant)
      // Held until flush(): the lines of a few milliseconds leave in one writev.
      if (!corked && socket) {
        corked = true
        socket.cork()
      }
      res.write(f)
      return f.length
    },
    flush() {
      if (!corked) return
      corked = false
      socket?.uncork()
    },
    // The response's own buffer plus its socket's.
    buffered: () => res.writableLength,
    close: (code) => {
      res.end()
      // A slow reader may never take the rest: do not wait for it.
      if (code === CLOSE.SLOW_CONSUMER) setTimeout(() => socket?.destroy(), 2000).unref()
    },
  }
  const c = sink.connect(t)
  if (!c) return
  res.on('close', () => sink.disconnect(c))
  if (!sink.subscribe(c, data)) {
    res.end()
    sink.disconnect(c)
  }
}
