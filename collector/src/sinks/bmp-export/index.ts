// The BMP exporter: Routelake as a BMP client (RFC 7854 §3.2, the monitored
// router's side) towards one or more stations (OpenBMP, pmacct, gobmp…),
// each a connection of its own (station.ts). Every peer appears as a global
// instance peer with its address, AS, BGP identifier, the V flag for IPv6,
// the A flag on messages whose UPDATE has 2-octet AS numbers (a session that
// did not negotiate 4-octet AS), L clear (pre-policy: the Adj-RIB-In as
// received). ADD-PATH has no flag in RFC 7854, 8671 or 9069: a station
// finds it in the Peer Up's OPENs, which are the ones exchanged.
//
// Events are taken as the bus publishes them (the filter writes them to the
// stations and declines them): nothing waits in a bus queue, and a slow
// station is the station's problem (station.ts), never the sessions'.
// Statistics Reports go out every `statsIntervalMs` for every peer up.

import type { BusEvent, EventBus, Subscription } from '../../events/index.ts'
import type { Logger } from '../../log/logger.ts'
import type { PeerId, Rib } from '../../rib/index.ts'
import type { Clock, PeerView, TimerHandle } from '../../session/index.ts'
import { PeerTracker } from './peers.ts'
import { BmpStation, peerStats, type StationStats } from './station.ts'

export { type DumpFigures, peerStats, type StationStats } from './station.ts'

export interface BmpExportOptions {
  readonly stations: readonly { readonly host: string; readonly port: number }[]
  /** Initiation's sysName (the collector's host name) and sysDescr (software and version). */
  readonly sysName: string
  readonly sysDescr: string
  /** Statistics Report interval (default 60 s); 0: none. */
  readonly statsIntervalMs?: number
  /** Octets waiting for a station before it is dropped as too slow (default 32 MiB). */
  readonly maxBufferBytes?: number
  /** Reconnect back-off: first wait, doubling up to the last (default 1 s, 60 s). */
  readonly reconnectMinMs?: number
  readonly reconnectMaxMs?: number
  /** Milliseconds of initial dump work between turns of the event loop (default 8). */
  readonly sliceMs?: number
}

export interface BmpExportDeps {
  readonly bus: EventBus
  readonly rib: Rib
  readonly clock: Clock
  readonly logger: Logger
  /** The session's view of a peer (addresses, ports, negotiated terms, why it ended). */
  readonly peer: (address: string) => PeerView | undefined
}

export interface BmpExportStats {
  readonly stations: readonly StationStats[]
}

export class BmpExporter {
  private readonly o: BmpExportOptions
  private readonly deps: BmpExportDeps
  private readonly tracker: PeerTracker
  private readonly stations: BmpStation[]
  private readonly subscription: Subscription
  private statsTimer: TimerHandle | undefined
  private stopped = false
  private internalErrors = 0

  constructor(options: BmpExportOptions, deps: BmpExportDeps) {
    this.o = options
    this.deps = deps
    this.tracker = new PeerTracker(deps.peer)
    const shared = {
      rib: deps.rib,
      clock: deps.clock,
      logger: deps.logger,
      peers: () => this.tracker.peers.values(),
    }
    this.stations = options.stations.map(
      (s) =>
        new BmpStation(
          {
            host: s.host,
            port: s.port,
            sysName: options.sysName,
            sysDescr: options.sysDescr,
            maxBufferBytes: options.maxBufferBytes ?? 32 << 20,
            reconnectMinMs: options.reconnectMinMs ?? 1000,
            reconnectMaxMs: options.reconnectMaxMs ?? 60_000,
            sliceMs: options.sliceMs ?? 8,
          },
          shared,
        ),
    )
    // Subscribed now, so that every OPEN is seen before start().
    this.subscription = deps.bus.tap(
      'bmp-export',
      (e) => this.take(e),
      (err) => {
        if (this.internalErrors++ < 10)
          deps.logger.error('bmp: internal error', { reason: (err as Error).stack ?? String(err) })
      },
    )
  }

  /** Connects to every station (and reconnects, with back-off, until stop). */
  start(): void {
    for (const s of this.stations) s.start()
    this.scheduleStats()
  }

  /** Termination to every connected station, then the connections end. */
  async stop(): Promise<void> {
    this.stopped = true
    this.subscription.close()
    if (this.statsTimer) this.deps.clock.clearTimer(this.statsTimer)
    this.statsTimer = undefined
    await Promise.all(this.stations.map((s) => s.stop()))
  }

  stats(): BmpExportStats {
    return { stations: this.stations.map((s) => s.stats()) }
  }

  private take(e: BusEvent): void {
    if (e.type === 'state') {
      if (e.to === 'Established') {
        const p = this.tracker.up(e)
        for (const s of this.stations) s.peerUp(p)
      } else if (e.from === 'Established') {
        const d = this.tracker.down(e)
        if (d) for (const s of this.stations) s.peerDown(d.peer, d.info, e.timestamp)
      }
      return
    }
    const p = this.tracker.message(e)
    if (!p) return
    for (const s of this.stations) s.routeMonitoring(p, e.context.asn4, e.timestamp, e.raw)
  }

  private scheduleStats(): void {
    const every = this.o.statsIntervalMs ?? 60_000
    if (!every || this.stopped) return
    this.statsTimer = this.deps.clock.setTimer(every, () => {
      this.statsTimer = undefined
      this.sendStats()
      this.scheduleStats()
    })
  }

  /** A Statistics Report of every peer up, to every station. */
  sendStats(): void {
    const rib = this.deps.rib
    const ids = new Map<string, PeerId>()
    for (const id of rib.peers()) {
      const name = rib.peerName(id)
      if (name !== undefined) ids.set(name, id)
    }
    const now = this.deps.clock.nowMicros()
    for (const p of this.tracker.peers.values()) {
      if (!p.up) continue
      const stats = peerStats(rib, ids.get(p.address), p)
      for (const s of this.stations) s.statistics(p, stats, now)
    }
  }
}
