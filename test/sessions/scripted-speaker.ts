// A BGP speaker scripted by a test: it connects from a chosen 127.0.0.x
// address, frames and decodes what the collector sends, and sends whatever
// the test encodes — including what a real router would never send.

import { connect, type Socket } from 'node:net'
import {
  type BgpMessage,
  type Capability,
  type CodecContext,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type OpenMessage,
} from '../../collector/src/bgp/index.ts'
import { Framer } from '../../collector/src/session/index.ts'

export class ScriptedSpeaker {
  readonly socket: Socket
  /** Context for decoding what we receive and encoding what we send. */
  ctx: CodecContext = DEFAULT_CONTEXT
  readonly received: BgpMessage[] = []
  private readonly framer = new Framer()
  private waiters: (() => void)[] = []
  private cursor = 0
  closed = false
  readonly whenClosed: Promise<void>

  private constructor(socket: Socket) {
    this.socket = socket
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('data', (chunk) => {
      this.framer.push(chunk, (m) => {
        const d = decodeMessage(m, this.ctx)
        this.received.push(d.message ?? { type: 'UNKNOWN', typeCode: m[18]!, data: '' })
      })
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  static connect(port: number, localAddress: string, host = '127.0.0.1'): Promise<ScriptedSpeaker> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host, localAddress })
      s.once('connect', () => resolve(new ScriptedSpeaker(s)))
      s.once('error', reject)
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** The next message not yet taken (of this type, skipping others if given). */
  async next(type?: BgpMessage['type'], timeoutMs = 5000): Promise<BgpMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (this.cursor < this.received.length) {
        const m = this.received[this.cursor++]!
        if (!type || m.type === type) return m
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${type ?? 'a message'}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${type ?? 'a message'}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  send(m: BgpMessage, ctx: CodecContext = this.ctx): void {
    this.socket.write(encodeMessage(m, ctx))
  }

  sendRaw(b: Uint8Array): void {
    this.socket.write(b)
  }

  close(): Promise<void> {
    this.socket.destroy()
    return this.whenClosed
  }
}

export function open(asn: number, bgpId: string, capabilities: Capability[], holdTime = 90): OpenMessage {
  return {
    type: 'OPEN',
    version: 4,
    asn: asn > 0xffff ? 23456 : asn,
    holdTime,
    bgpId,
    parameters: [
      { type: 2, capabilities: [...capabilities, { code: 65, name: 'FOUR_OCTET_AS', value: { asn } }] },
    ],
  }
}

export function mp(afi: number, safi: number, family: string): Capability {
  return { code: 1, name: 'MULTIPROTOCOL', value: { afi, safi, family } }
}
