// Reading BMP as it arrives: a framer that cuts a byte stream (TCP, a file)
// into whole messages, and the per-peer session facts a reader needs to
// decode the BGP PDUs inside them.
//
// Context. A Route Monitoring UPDATE is laid out as the monitored session
// negotiated: AS_PATH width from the per-peer header's A flag (RFC 7854 §4.2;
// 4 octets for a Loc-RIB peer, RFC 9069 §4.1), path identifiers for the
// families where ADD-PATH was negotiated, as the Peer Up's two OPENs say
// (RFC 7911 §4: the sender advertised send, the receiver receive). For the
// pre-policy and post-policy Adj-RIB-In the monitored router is the receiver;
// for Adj-RIB-Out (the O flag, RFC 8671) the sender; for a Loc-RIB peer the
// capability's presence in the (fabricated) sent OPEN is enough (RFC 9069
// §5.4). Extended messages (RFC 8654) when both OPENs offer them.

import {
  type CodecContext,
  codecContext,
  DEFAULT_CONTEXT,
  decodeMessage,
  familyKey,
  type OpenMessage,
  openCapabilities,
} from '../bgp/index.ts'
import { BMP_PEER_FLAG, BMP_PEER_TYPE } from './constants.ts'
import { BmpError } from './errors.ts'
import { readBmpHeader } from './header.ts'
import { type BmpDecodeResult, decodeBmpMessage } from './message.ts'
import type { BmpPeerHeader } from './peer-header.ts'
import type { BmpPeerUp } from './type-3-peer-up.ts'

/** Cuts a BMP byte stream into messages, however it is split into chunks. */
export class BmpFramer {
  private buf = new Uint8Array(0)
  /** Octets of the stream consumed so far (offset of the next message). */
  offset = 0
  private failed: BmpError | undefined

  /**
   * Feeds a chunk; calls onMessage with each complete message (a view, valid
   * during the call) and its stream offset. Returns an error once the stream
   * cannot be framed any more (a bad common header): nothing after it can be
   * trusted.
   */
  push(chunk: Uint8Array, onMessage: (message: Uint8Array, offset: number) => void): BmpError | undefined {
    if (this.failed) return this.failed
    let data = chunk
    if (this.buf.length) {
      data = new Uint8Array(this.buf.length + chunk.length)
      data.set(this.buf)
      data.set(chunk, this.buf.length)
    }
    let pos = 0
    for (;;) {
      let h: ReturnType<typeof readBmpHeader>
      try {
        h = readBmpHeader(data, pos)
      } catch (e) {
        const err = e as BmpError
        this.failed = new BmpError(err.kind, err.reason, this.offset + (err.offset - pos))
        this.buf = new Uint8Array(0)
        return this.failed
      }
      if (!h || pos + h.length > data.length) break
      onMessage(data.subarray(pos, pos + h.length), this.offset)
      this.offset += h.length
      pos += h.length
    }
    // Keep the partial message (a copy: the chunk may be reused by its owner).
    this.buf = data.slice(pos)
    return undefined
  }

  /** Octets of an incomplete message waiting for the rest. */
  get pending(): number {
    return this.buf.length
  }
}

export interface BmpStreamItem extends BmpDecodeResult {
  /** Offset of the message in the stream. */
  readonly offset: number
  /** The message's octets (a copy). */
  readonly raw: Uint8Array
}

/**
 * Every message of a stream, in order: decoded, or with the error that kept
 * it from being read. A stream that ends inside a message yields a last item
 * with a BMP.TRUNCATED error; a bad common header ends the stream with its error.
 */
export async function* readBmpStream(input: AsyncIterable<Uint8Array>): AsyncGenerator<BmpStreamItem> {
  const framer = new BmpFramer()
  let out: BmpStreamItem[] = []
  for await (const chunk of input) {
    const err = framer.push(chunk, (m, offset) => {
      const raw = m.slice()
      out.push({ ...decodeBmpMessage(raw), offset, raw })
    })
    yield* out
    out = []
    if (err) {
      yield { error: err, length: 0, offset: err.offset, raw: new Uint8Array(0) }
      return
    }
  }
  if (framer.pending) {
    const error = new BmpError(
      'BMP.TRUNCATED',
      `the stream ends ${framer.pending} octets into a message`,
      framer.offset,
    )
    yield { error, length: 0, offset: framer.offset, raw: new Uint8Array(0) }
  }
}

interface PeerSession {
  readonly sent: OpenMessage | undefined
  readonly received: OpenMessage | undefined
}

function addPathModes(o: OpenMessage | undefined): Map<number, string | number> {
  const m = new Map<number, string | number>()
  if (!o) return m
  for (const c of openCapabilities(o))
    if (c.name === 'ADD_PATH') for (const f of c.value) m.set(familyKey(f.afi, f.safi), f.sendReceive)
  return m
}

function offers(o: OpenMessage | undefined, name: string): boolean {
  return o !== undefined && openCapabilities(o).some((c) => c.name === name)
}

const sends = (m: string | number | undefined) => m === 'send' || m === 'both'
const receives = (m: string | number | undefined) => m === 'receive' || m === 'both'

/** The identity of a monitored peer in a BMP stream: type, distinguisher and address. */
export function bmpPeerKey(h: BmpPeerHeader): string {
  return `${h.peerType}|${h.distinguisher}|${h.address}`
}

/**
 * The session facts of each monitored peer, from its Peer Up: what a reader
 * needs to decode the peer's Route Monitoring PDUs.
 */
export class BmpPeerContexts {
  private readonly peers = new Map<string, PeerSession>()

  peerUp(m: BmpPeerUp): void {
    const open = (b: Uint8Array) => {
      const d = decodeMessage(b, DEFAULT_CONTEXT)
      return d.message?.type === 'OPEN' ? d.message : undefined
    }
    this.peers.set(bmpPeerKey(m.peer), { sent: open(m.sentOpen), received: open(m.receivedOpen) })
  }

  peerDown(h: BmpPeerHeader): void {
    this.peers.delete(bmpPeerKey(h))
  }

  /** Whether a Peer Up was seen for the peer (and no Peer Down since). */
  has(h: BmpPeerHeader): boolean {
    return this.peers.has(bmpPeerKey(h))
  }

  /** The context for the UPDATEs of Route Monitoring messages with this per-peer header. */
  routeMonitoringContext(h: BmpPeerHeader): CodecContext {
    const locRib = h.peerType === BMP_PEER_TYPE.LOC_RIB_INSTANCE
    const asn4 = locRib || (h.flags & BMP_PEER_FLAG.A) === 0
    const s = this.peers.get(bmpPeerKey(h))
    if (!s) return codecContext({ asn4 })
    const router = addPathModes(s.sent)
    const peer = addPathModes(s.received)
    const addPath = new Set<number>()
    if (locRib) {
      for (const k of router.keys()) addPath.add(k)
    } else {
      const out = !locRib && (h.flags & BMP_PEER_FLAG.O) !== 0
      const [from, to] = out ? [router, peer] : [peer, router]
      for (const [k, m] of from) if (sends(m) && receives(to.get(k))) addPath.add(k)
    }
    const extendedMessage =
      offers(s.sent, 'EXTENDED_MESSAGE') && (locRib || offers(s.received, 'EXTENDED_MESSAGE'))
    return codecContext({ asn4, addPath, extendedMessage })
  }
}
