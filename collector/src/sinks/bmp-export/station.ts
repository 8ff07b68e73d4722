// One BMP station (a monitoring station, RFC 7854 §3.2: we connect, it
// listens): the connection, its back-off, and what it has been told.
//
// On connect: Initiation, a Peer Up for every established peer, then the
// initial dump (every such peer's Adj-RIB-In as Route Monitoring, then an
// End-of-RIB per negotiated family), worked in slices with the socket
// drained in between. Live messages (Route Monitoring for every UPDATE
// received, Peer Up, Peer Down) are written as the events are published,
// interleaved with the dump: a route is then sent by the dump as the RIB
// holds it when the dump reaches it, and by every UPDATE that changes it, so
// the station converges on the RIB without waiting for the dump to end.
//
// Never stalling the sessions: writes only append to a block, flushed to the
// socket on the next turn of the event loop. When the octets waiting for the
// station (the socket's buffer and the block) pass `maxBufferBytes`, the
// station is too slow: the connection is dropped, never an update silently
// lost on it, and the next connection starts over with a full dump.

import { connect, type Socket } from 'node:net'
import { familyByName } from '../../bgp/index.ts'
import {
  BMP_INFO_TLV,
  BMP_STAT_TYPE,
  BMP_TERMINATION_REASON,
  BMP_TERMINATION_TLV,
  type BmpPeerHeader,
  type BmpStat,
  decodePeerHeader,
  reasonTlv,
  textTlv,
} from '../../bmp/index.ts'
import type { Logger } from '../../log/logger.ts'
import type { PeerId, Rib, RibScan } from '../../rib/index.ts'
import type { Clock, TimerHandle } from '../../session/index.ts'
import { reader } from '../../wire/reader.ts'
import {
  endOfRib,
  OutBlock,
  RoutePacker,
  routeMonitoringMessage,
  writeMessage,
  writeRouteMonitoring,
} from './encode.ts'
import type { PeerDownInfo, TrackedPeer } from './peers.ts'

/** Octets of written messages handed to the socket at once. */
const FLUSH_BYTES = 256 * 1024

export interface StationOptions {
  readonly host: string
  readonly port: number
  readonly sysName: string
  readonly sysDescr: string
  readonly maxBufferBytes: number
  readonly reconnectMinMs: number
  readonly reconnectMaxMs: number
  /** Milliseconds of dump work before the socket drains and the event loop turns. */
  readonly sliceMs: number
}

export interface StationShared {
  readonly rib: Rib
  readonly clock: Clock
  readonly logger: Logger
  readonly peers: () => Iterable<TrackedPeer>
}

export interface DumpFigures {
  readonly peers: number
  readonly routes: number
  readonly messages: number
  readonly bytes: number
  readonly seconds: number
}

export interface StationStats {
  readonly station: string
  readonly state: 'connecting' | 'up' | 'waiting' | 'closed'
  readonly connects: number
  readonly disconnects: number
  /** Connections dropped because the station did not keep up. */
  readonly overflows: number
  readonly messages: number
  readonly bytes: number
  /** Octets waiting for the station. */
  readonly queuedBytes: number
  readonly dumping: boolean
  readonly lastDump?: DumpFigures
  readonly lastError?: string
}

export class BmpStation {
  readonly name: string
  private readonly o: StationOptions
  private readonly shared: StationShared
  private socket: Socket | undefined
  private state: StationStats['state'] = 'waiting'
  /** Increases with every connection: a dump or a flush of an old one stops. */
  private conn = 0
  private readonly out = new OutBlock()
  private flushScheduled = false
  /** Peer address → the session generation its Peer Up announced on this connection. */
  private readonly announced = new Map<string, number>()
  private retryTimer: TimerHandle | undefined
  private retryMs: number
  private dumping = false
  private closing: Promise<void> | undefined
  private s = { connects: 0, disconnects: 0, overflows: 0, messages: 0, bytes: 0 }
  private lastDump: DumpFigures | undefined
  private lastError: string | undefined
  /** Resolves a dump waiting for the socket to drain (or to close). */
  private drained: (() => void) | undefined
  /**
   * The peer whose routes the dump is packing, its open UPDATEs, and the live
   * messages of that peer held back until those are sent (with their octets).
   */
  private packing:
    | { readonly peer: TrackedPeer; readonly packer: RoutePacker; held: Uint8Array[]; heldBytes: number }
    | undefined

  constructor(options: StationOptions, shared: StationShared) {
    this.o = options
    this.shared = shared
    this.name = options.host.includes(':')
      ? `[${options.host}]:${options.port}`
      : `${options.host}:${options.port}`
    this.retryMs = options.reconnectMinMs
  }

  stats(): StationStats {
    return {
      station: this.name,
      state: this.state,
      ...this.s,
      queuedBytes: (this.socket?.writableLength ?? 0) + this.out.pos,
      dumping: this.dumping,
      ...(this.lastDump ? { lastDump: this.lastDump } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    }
  }

  start(): void {
    if (this.state === 'closed') return
    this.connect()
  }

  /** Termination (administratively closed), then the connection ends; no reconnect. */
  stop(): Promise<void> {
    this.closing ??= (async () => {
      const wasUp = this.state === 'up'
      this.state = 'closed'
      if (this.retryTimer) this.shared.clock.clearTimer(this.retryTimer)
      this.retryTimer = undefined
      const s = this.socket
      if (!s) return
      if (wasUp) {
        writeMessage(this.out, {
          type: 'TERMINATION',
          information: [
            textTlv(BMP_TERMINATION_TLV.STRING, 'Routelake shutting down'),
            reasonTlv(BMP_TERMINATION_REASON.ADMINISTRATIVELY_CLOSED),
          ],
        })
        this.flush()
      }
      this.conn++
      this.drained?.()
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          s.destroy()
          resolve()
        }, 2000)
        t.unref()
        s.once('close', () => {
          clearTimeout(t)
          resolve()
        })
        s.end()
      })
    })()
    return this.closing
  }

  private connect(): void {
    if (this.state === 'closed') return
    this.state = 'connecting'
    const conn = ++this.conn
    const s = connect({ host: this.o.host, port: this.o.port })
    this.socket = s
    s.setNoDelay(true)
    s.on('connect', () => {
      if (conn !== this.conn) return
      this.onConnected(conn)
    })
    s.on('data', () => {
      // RFC 7854 §3.2: the station sends nothing; whatever it sends is ignored.
    })
    s.on('drain', () => this.drained?.())
    s.on('error', (e) => {
      this.lastError = e.message
    })
    s.on('close', () => {
      if (this.socket === s) this.onClosed(conn)
    })
  }

  private onConnected(conn: number): void {
    this.state = 'up'
    this.s.connects++
    this.retryMs = this.o.reconnectMinMs
    this.announced.clear()
    this.out.take()
    this.shared.logger.info('bmp: connected to station', { station: this.name })
    writeMessage(this.out, {
      type: 'INITIATION',
      information: [
        textTlv(BMP_INFO_TLV.SYS_DESCR, this.o.sysDescr),
        textTlv(BMP_INFO_TLV.SYS_NAME, this.o.sysName),
      ],
    })
    const peers = [...this.shared.peers()].filter((p) => p.up)
    for (const p of peers) this.peerUp(p)
    this.scheduleFlush()
    void this.dump(conn, peers)
  }

  private onClosed(conn: number): void {
    this.socket = undefined
    this.announced.clear()
    this.out.take()
    this.drained?.()
    if (this.state === 'closed') return
    if (this.state === 'up') {
      this.s.disconnects++
      this.shared.logger.warn('bmp: station connection lost', { station: this.name, reason: this.lastError })
    }
    this.state = 'waiting'
    if (conn !== this.conn) return
    const wait = this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, this.o.reconnectMaxMs)
    this.retryTimer = this.shared.clock.setTimer(wait, () => {
      this.retryTimer = undefined
      this.connect()
    })
  }

  /** The station did not keep up: drop the connection; the next one gets a full dump. */
  private overflow(): void {
    this.s.overflows++
    this.lastError = `more than ${this.o.maxBufferBytes} octets waiting`
    this.shared.logger.warn('bmp: station too slow, connection dropped', {
      station: this.name,
      queued: (this.socket?.writableLength ?? 0) + this.out.pos,
    })
    this.out.take()
    this.announced.clear()
    this.socket?.destroy()
  }

  // --- live messages (called as the events are published) ------------------------

  peerUp(p: TrackedPeer): void {
    if (this.state !== 'up' || !p.sentOpen || !p.receivedOpen) return
    const seconds = Math.floor(p.upAt / 1e6)
    writeMessage(this.out, {
      type: 'PEER_UP',
      peer: { ...this.peerHeader(p), timestamp: seconds, microseconds: Math.round(p.upAt - seconds * 1e6) },
      localAddress: p.localAddress,
      localPort: p.localPort,
      remotePort: p.remotePort,
      sentOpen: p.sentOpen,
      receivedOpen: p.receivedOpen,
      information: [],
    })
    this.announced.set(p.address, p.generation)
    this.wrote()
  }

  peerDown(p: TrackedPeer, info: PeerDownInfo, timeUs: number): void {
    if (this.state !== 'up' || this.announced.get(p.address) !== p.generation) return
    this.announced.delete(p.address)
    // Nothing more of the dump (the station drops the peer's routes at the Peer Down), but the
    // live messages held back came before it.
    if (this.packing?.peer === p) {
      this.packing.packer.discard()
      this.releaseHeld()
    }
    const seconds = Math.floor(timeUs / 1e6)
    writeMessage(this.out, {
      type: 'PEER_DOWN',
      peer: { ...this.peerHeader(p), timestamp: seconds, microseconds: Math.round(timeUs - seconds * 1e6) },
      reason: info.reason,
      ...(info.notification ? { notification: info.notification } : {}),
      ...(info.fsmEvent !== undefined ? { fsmEvent: info.fsmEvent } : {}),
    })
    this.wrote()
  }

  routeMonitoring(p: TrackedPeer, asn4: boolean, timeUs: number, update: Uint8Array): void {
    if (this.state !== 'up' || this.announced.get(p.address) !== p.generation) return
    const k = this.packing
    if (k?.peer === p && (k.packer.size > 0 || k.held.length > 0)) {
      // What the dump read of this peer goes first (this UPDATE is newer): held until it is sent.
      const b = routeMonitoringMessage(p, asn4, timeUs, update)
      k.held.push(b)
      k.heldBytes += b.length
      this.wrote()
      return
    }
    writeRouteMonitoring(this.out, p, asn4, timeUs, update)
    this.wrote()
  }

  statistics(p: TrackedPeer, stats: readonly BmpStat[], timeUs: number): void {
    if (this.state !== 'up' || this.announced.get(p.address) !== p.generation) return
    const seconds = Math.floor(timeUs / 1e6)
    writeMessage(this.out, {
      type: 'STATISTICS_REPORT',
      peer: { ...this.peerHeader(p), timestamp: seconds, microseconds: Math.round(timeUs - seconds * 1e6) },
      stats,
    })
    this.wrote()
  }

  private peerHeader(p: TrackedPeer): BmpPeerHeader {
    return decodePeerHeader(reader(p.header))
  }

  /** Writes the live messages held back during the dump, in order. */
  private releaseHeld(): void {
    const k = this.packing
    if (!k?.held.length) return
    for (const b of k.held) {
      const at = this.out.reserve(b.length)
      this.out.buf.set(b, at)
      this.out.pos = at + b.length
      this.out.messages++
    }
    k.held = []
    k.heldBytes = 0
  }

  private wrote(): void {
    const held = this.packing?.heldBytes ?? 0
    if ((this.socket?.writableLength ?? 0) + this.out.pos + held > this.o.maxBufferBytes) {
      this.overflow()
      return
    }
    if (this.out.pos >= FLUSH_BYTES) this.flush()
    else this.scheduleFlush()
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.flush()
    })
  }

  private flush(): void {
    if (!this.out.pos) return
    const n = this.out.messages
    const bytes = this.out.take()
    const s = this.socket
    if (!s || s.destroyed) return
    this.s.messages += n
    this.s.bytes += bytes.length
    s.write(bytes)
  }

  // --- the initial dump ------------------------------------------------------------

  /** Waits until the socket has room (or the connection ended) and for a turn of the event loop. */
  private async room(conn: number): Promise<boolean> {
    this.flush()
    const s = this.socket
    if (conn !== this.conn || !s) return false
    if (s.writableLength > 1 << 20) {
      await new Promise<void>((resolve) => {
        this.drained = () => {
          this.drained = undefined
          resolve()
        }
      })
    }
    await new Promise<void>((resolve) => setImmediate(resolve))
    return conn === this.conn && this.state === 'up'
  }

  private ribPeers(): Map<string, PeerId> {
    const rib = this.shared.rib
    const m = new Map<string, PeerId>()
    for (const id of rib.peers()) {
      const name = rib.peerName(id)
      if (name !== undefined) m.set(name, id)
    }
    return m
  }

  private async dump(conn: number, peers: readonly TrackedPeer[]): Promise<void> {
    this.dumping = true
    const t0 = performance.now()
    const startMessages = this.s.messages
    const startBytes = this.s.bytes
    let routes = 0
    try {
      const ids = this.ribPeers()
      for (const p of peers) {
        const generation = p.generation
        const id = ids.get(p.address)
        // The peer's session went down (or down and up) since its Peer Up: its routes come live now.
        const current = () => this.announced.get(p.address) === generation && conn === this.conn
        const packer = new RoutePacker(p.addPath, (update, asn4) => {
          writeRouteMonitoring(this.out, p, asn4, this.shared.clock.nowMicros(), update)
          // Handed to the socket in blocks of a few hundred KiB: one large write holds the event loop.
          if (this.out.pos >= FLUSH_BYTES) this.flush()
        })
        const k = { peer: p, packer, held: [] as Uint8Array[], heldBytes: 0 }
        this.packing = k
        try {
          // Sends the open groups a slice at a time, then what was held back behind them.
          const drain = async (): Promise<boolean> => {
            while (packer.size > 0) {
              packer.flushSome(512)
              if (!(await this.room(conn))) return false
              if (!current()) return true
            }
            this.releaseHeld()
            return true
          }
          // Keys until the slice is used up, then the socket drains and the event loop turns.
          let sliceStart = 0
          let keys = 0
          const visit = (scan: RibScan): boolean => {
            routes += packer.add(scan, id!)
            return (++keys & 31) !== 0 || performance.now() - sliceStart < this.o.sliceMs
          }
          const families = id === undefined ? [] : this.shared.rib.counts(id).map((c) => c.family)
          for (const family of families) {
            if (!current()) break
            const scan = this.shared.rib.scan(family, id)
            while (!scan.prepare(this.o.sliceMs) && current()) if (!(await this.room(conn))) return
            while (current()) {
              sliceStart = performance.now()
              packer.page()
              const done = scan.run(visit)
              if (!(await this.room(conn))) return
              if (k.held.length && current() && !(await drain())) return
              if (done) break
            }
          }
          if (current() && !(await drain())) return
        } finally {
          this.packing = undefined
        }
        if (!current()) continue
        const timeUs = this.shared.clock.nowMicros()
        // The session's AS number size, so that the A flag (RFC 7854 §4.2) is that of its live messages.
        for (const f of p.families) writeRouteMonitoring(this.out, p, p.asn4, timeUs, endOfRib(f))
        this.wrote()
      }
      this.flush()
      this.lastDump = {
        peers: peers.length,
        routes,
        messages: this.s.messages - startMessages,
        bytes: this.s.bytes - startBytes,
        seconds: (performance.now() - t0) / 1000,
      }
      this.shared.logger.info('bmp: initial dump sent', {
        station: this.name,
        peers: peers.length,
        routes,
        seconds: Math.round(this.lastDump.seconds * 10) / 10,
      })
    } finally {
      this.dumping = false
    }
  }
}

/** The Statistics Report of a peer: what RFC 7854 and RFC 8671 define that the collector counts. */
export function peerStats(rib: Rib, id: PeerId | undefined, p: TrackedPeer): BmpStat[] {
  const stats: BmpStat[] = []
  const counts = id === undefined ? [] : rib.counts(id)
  let total = 0
  for (const c of counts) total += c.paths
  stats.push({ type: BMP_STAT_TYPE.ADJ_RIBS_IN_ROUTES, value: BigInt(total) })
  for (const c of counts) {
    const key = familyByName(c.family)
    if (key !== undefined)
      stats.push({
        type: BMP_STAT_TYPE.PER_AFI_SAFI_ADJ_RIB_IN_ROUTES,
        afi: key >> 8,
        safi: key & 0xff,
        value: BigInt(c.paths),
      })
  }
  stats.push({ type: BMP_STAT_TYPE.TREAT_AS_WITHDRAW_UPDATES, value: BigInt(p.treatAsWithdrawUpdates >>> 0) })
  stats.push({
    type: BMP_STAT_TYPE.TREAT_AS_WITHDRAW_PREFIXES,
    value: BigInt(p.treatAsWithdrawPrefixes >>> 0),
  })
  // RFC 8671: the collector announces nothing, its Adj-RIB-Out is empty before and after policy.
  stats.push({ type: BMP_STAT_TYPE.PRE_POLICY_ADJ_RIB_OUT_ROUTES, value: 0n })
  stats.push({ type: BMP_STAT_TYPE.POST_POLICY_ADJ_RIB_OUT_ROUTES, value: 0n })
  return stats
}
