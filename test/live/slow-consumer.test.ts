// A client that stops reading: its send buffer fills (the kernel's, then the
// collector's), it gets a ris_error saying so and a close 4001 (the HTTP
// stream: the ris_error line, then the response ends), the cut-off is counted
// in /metrics, and the clients that keep up get everything.

import { type IncomingMessage, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { bulk, establish, PEER_A } from './feed.ts'
import { eventually, type LiveCollector, RisClient, startLiveCollector } from './harness.ts'

interface Frame {
  readonly opcode: number
  readonly payload: Buffer
}

/** A WebSocket client written by hand, so that it can stop reading at the TCP level. */
class RawWebSocket {
  readonly socket: Socket
  private buf = Buffer.alloc(0)
  private upgraded = false
  readonly frames: Frame[] = []
  readonly closed: Promise<void>

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1' })
    this.socket.on('data', (d) => this.onData(d))
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()))
    this.socket.on('error', () => {})
    this.socket.write(
      'GET /v1/ws/?client=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d])
    if (!this.upgraded) {
      const end = this.buf.indexOf('\r\n\r\n')
      if (end < 0) return
      if (!this.buf.subarray(0, end).toString().startsWith('HTTP/1.1 101')) throw new Error('no upgrade')
      this.upgraded = true
      this.buf = this.buf.subarray(end + 4)
    }
    for (;;) {
      if (this.buf.length < 2) return
      const opcode = this.buf[0]! & 0x0f
      let len = this.buf[1]! & 0x7f
      let off = 2
      if (len === 126) {
        if (this.buf.length < 4) return
        len = this.buf.readUInt16BE(2)
        off = 4
      } else if (len === 127) {
        if (this.buf.length < 10) return
        len = Number(this.buf.readBigUInt64BE(2))
        off = 10
      }
      if (this.buf.length < off + len) return
      this.frames.push({ opcode, payload: Buffer.from(this.buf.subarray(off, off + len)) })
      this.buf = this.buf.subarray(off + len)
    }
  }

  get ready(): boolean {
    return this.upgraded
  }

  /** One masked text frame (clients must mask, RFC 6455 §5.3). */
  sendText(text: string): void {
    const payload = Buffer.from(text)
    const mask = Buffer.from([1, 2, 3, 4])
    const head =
      payload.length < 126
        ? Buffer.from([0x81, 0x80 | payload.length])
        : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))
    this.socket.write(Buffer.concat([head, mask, masked]))
  }
}

/** An HTTP stream client that can stop reading (the response is paused: the socket stops too). */
class PausableStream {
  readonly lines: string[] = []
  response: IncomingMessage | undefined
  readonly ended: Promise<void>
  private buf = ''

  constructor(url: string, subscribe: unknown) {
    let done!: () => void
    this.ended = new Promise((resolve) => {
      done = resolve
    })
    const req = request(url, { headers: { 'X-RIS-Subscribe': JSON.stringify(subscribe) } }, (res) => {
      this.response = res
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        this.buf += chunk
        let i = this.buf.indexOf('\n')
        while (i >= 0) {
          this.lines.push(this.buf.slice(0, i))
          this.buf = this.buf.slice(i + 1)
          i = this.buf.indexOf('\n')
        }
      })
      res.on('end', done)
      res.on('close', done)
      res.on('error', done)
    })
    req.on('error', done)
    req.end()
  }
}

/** GET /metrics as { "name{labels}": value }. */
async function metrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

describe('slow consumer', () => {
  let lc: LiveCollector
  let slow: RawWebSocket
  let slowStream: PausableStream
  let fast: RisClient
  let peer: ScriptedSpeaker
  const N = 30_000

  beforeAll(async () => {
    lc = await startLiveCollector({ live: { maxBufferedBytes: 1_048_576 } })
    slow = new RawWebSocket(lc.httpPort)
    await eventually(() => slow.ready, 5000, 'the upgrade')
    slow.sendText(
      JSON.stringify({
        type: 'ris_subscribe',
        data: { socketOptions: { includeRaw: true, includeAll: true } },
      }),
    )
    fast = await RisClient.connect(lc.ws())
    await fast.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
    slowStream = new PausableStream(lc.http('/v1/stream/?format=json&client=slow'), {
      type: 'UPDATE',
      socketOptions: { includeRaw: true, includeAll: true },
    })
    await eventually(() => lc.collector.live!.stats().subscriptions === 3, 5000, 'the subscriptions')
    await eventually(() => slowStream.response !== undefined, 5000, 'the stream')
    slow.socket.pause()
    slowStream.response!.pause()
    peer = await establish(lc.bgpPort, PEER_A)
    for (const m of bulk(N, PEER_A.asn, PEER_A.address)) peer.send(m)
    await eventually(() => lc.collector.live!.stats().slowConsumers === 2, 60_000, 'the cut-offs')
    slow.socket.resume()
    slowStream.response!.resume()
    await slow.closed
    await slowStream.ended
    await fast.until(() => fast.data('UPDATE').length === N, 60_000)
  }, 120_000)

  afterAll(async () => {
    fast?.ws.terminate()
    slow?.socket.destroy()
    slowStream?.response?.destroy()
    await peer?.close()
    await lc?.stop()
  })

  it('gets a ris_error, then close 4001 "slow consumer"', () => {
    const texts = slow.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()))
    const last = texts[texts.length - 1]
    expect(last).toEqual({
      type: 'ris_error',
      data: {
        message: expect.stringMatching(
          /^slow consumer: \d+ octets are waiting to be sent, the limit is 1048576; closing the connection$/,
        ),
      },
    })
    expect(texts.slice(0, -1).every((t) => t.type === 'ris_message')).toBe(true)
    expect(texts.length - 1).toBeLessThan(N)
    const close = slow.frames.find((f) => f.opcode === 8)!
    expect(close.payload.readUInt16BE(0)).toBe(4001)
    expect(close.payload.subarray(2).toString()).toBe('slow consumer')
  })

  it('the HTTP stream gets the ris_error line, then the response ends', () => {
    const last = JSON.parse(slowStream.lines.at(-1)!)
    expect(last).toEqual({
      type: 'ris_error',
      data: {
        message: expect.stringMatching(
          /^slow consumer: \d+ octets are waiting to be sent, the limit is 1048576; closing the connection$/,
        ),
      },
    })
    const before = slowStream.lines.slice(0, -1).map((l) => JSON.parse(l) as { type: string })
    expect(before.every((t) => t.type === 'ris_message')).toBe(true)
    expect(before.length).toBeGreaterThan(0)
    expect(before.length).toBeLessThan(N)
    expect(slowStream.response!.complete).toBe(true)
  })

  it('counts the cut-offs in /metrics', async () => {
    const st = lc.collector.live!.stats()
    const m = await metrics(lc.http('/metrics'))
    expect({
      ws: m.get('routelake_live_clients{transport="websocket"}'),
      stream: m.get('routelake_live_clients{transport="stream"}'),
      cut: m.get('routelake_live_slow_consumer_disconnects_total'),
      lost: m.get('routelake_live_slow_consumer_lost_messages_total'),
      dropped: m.get('routelake_live_dropped_messages_total'),
      sent: m.get('routelake_live_messages_total'),
    }).toEqual({
      ws: 1,
      stream: 0,
      cut: 2,
      lost: st.droppedMessages,
      dropped: 0,
      sent: st.delivered,
    })
    expect(st.droppedMessages).toBeGreaterThanOrEqual(2)
  })

  it('counts the cut-offs, and the others get every message', () => {
    const st = lc.collector.live!.stats()
    expect(st.slowConsumers).toBe(2)
    expect(st.droppedMessages).toBeGreaterThanOrEqual(2)
    expect(st.clients).toEqual({ websocket: 1, stream: 0 })
    expect(fast.data('UPDATE').length).toBe(N)
    expect(lc.logs.some((l) => l.includes('live client cut off'))).toBe(true)
  })
})
