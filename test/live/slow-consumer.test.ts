// A client that stops reading: its send buffer fills (the kernel's, then the
// collector's), it gets a ris_error saying so and a close 4001, the cut-off is
// counted, and the clients that keep up get everything.

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

describe('slow consumer', () => {
  let lc: LiveCollector
  let slow: RawWebSocket
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
    await eventually(() => lc.collector.live!.stats().subscriptions === 2, 5000, 'both subscriptions')
    slow.socket.pause()
    peer = await establish(lc.bgpPort, PEER_A)
    for (const m of bulk(N, PEER_A.asn, PEER_A.address)) peer.send(m)
    await eventually(() => lc.collector.live!.stats().slowConsumers === 1, 60_000, 'the cut-off')
    slow.socket.resume()
    await slow.closed
    await fast.until(() => fast.data('UPDATE').length === N, 60_000)
  }, 120_000)

  afterAll(async () => {
    fast?.ws.terminate()
    slow?.socket.destroy()
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

  it('counts the cut-off, and the others get every message', () => {
    const st = lc.collector.live!.stats()
    expect(st.slowConsumers).toBe(1)
    expect(st.droppedMessages).toBeGreaterThanOrEqual(1)
    expect(st.clients).toEqual({ websocket: 1, stream: 0 })
    expect(fast.data('UPDATE').length).toBe(N)
    expect(lc.logs.some((l) => l.includes('live client cut off'))).toBe(true)
  })
})
