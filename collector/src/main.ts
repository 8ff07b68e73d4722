// The composition root: the one place that knows every part and wires them
// (STYLE.md "Shape"). Each part is built by a createX(config, deps) factory;
// deps carry the clock and the logger. Nothing runs at import time: `start()`
// binds the sockets, `stop()` ends the sessions cleanly and closes them.
//
//   listener ─▶ sessions (FSM, RIB) ─▶ event bus ─▶ sinks (later issues)
//                     ▲
//   HTTP API (GET /api/v1/peers) reads the sessions' views

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve as serveHttp } from '@hono/node-server'
import type { Hono } from 'hono'
import { createApi } from './api/index.ts'
import type { CollectorConfig, ListenAddress } from './config/config.ts'
import { formatListen } from './config/config.ts'
import { EventBus } from './events/index.ts'
import type { Logger } from './log/logger.ts'
import { createRib, type Rib } from './rib/index.ts'
import {
  type Clock,
  createSessions,
  type SessionDeps,
  type Sessions,
  type TimerHandle,
} from './session/index.ts'
import { BmpExporter } from './sinks/bmp-export/index.ts'
import { createStorage, type Storage } from './sinks/clickhouse/index.ts'
import { ExabgpOutput } from './sinks/exabgp/index.ts'
import {
  attachWebSocket,
  clickhouseHistory,
  handleStream,
  LiveSink,
  type LiveWebSocketServer,
  storageSettled,
} from './sinks/live/index.ts'
import { MrtDumpSink } from './sinks/mrt-dump/index.ts'

export interface CollectorDeps {
  readonly clock: Clock
  readonly logger: Logger
  /** Overrides for the session timers (tests). */
  readonly session?: Pick<SessionDeps, 'fsm' | 'gr'>
}

export interface Collector {
  readonly rib: Rib
  readonly bus: EventBus
  readonly sessions: Sessions
  readonly api: Hono
  /** The live feed (RIS Live over /v1/ws/ and /v1/stream/), when HTTP is on. */
  readonly live: LiveSink | undefined
  /** The ExaBGP-compatible JSON output, when configured. */
  readonly exabgp: ExabgpOutput | undefined
  /** ClickHouse storage (writer, sink, history queries), unless `storage: off`. */
  readonly storage: Storage | undefined
  /** Rotating MRT files (updates and RIB dumps), unless `mrt-dump: off`. */
  readonly mrtDump: MrtDumpSink | undefined
  /** The BMP exporter, when BMP stations are configured. */
  readonly bmp: BmpExporter | undefined
  /** Binds BGP and HTTP; resolves with the addresses bound (port 0 resolved). */
  start(): Promise<{ readonly bgp: readonly ListenAddress[]; readonly http?: ListenAddress }>
  /** Cease / Administrative Shutdown to every peer with this message, then closes everything. */
  stop(message?: string): Promise<void>
}

export const SOFTWARE_VERSION = 'Routelake 0.1.0'

/** RIB upkeep (Rib.prepareWalks): this much work, this often, once a table transfer is over. */
const UPKEEP_MS = 4
const UPKEEP_EVERY_MS = 100

export function createCollector(config: CollectorConfig, deps: CollectorDeps): Collector {
  const rib = createRib()
  const bus = new EventBus()
  const sessions = createSessions(config.peers, {
    clock: deps.clock,
    logger: deps.logger,
    bus,
    rib,
    host: config.host,
    local: {
      asn: config.asn,
      routerId: config.routerId,
      hostname: config.host,
      domain: '',
      softwareVersion: SOFTWARE_VERSION,
    },
    ...deps.session,
  })
  const exabgp = config.exabgp
    ? new ExabgpOutput(config.exabgp, {
        bus,
        logger: deps.logger,
        localAddress: (peer) => sessions.peer(peer)?.view().localAddress,
      })
    : undefined
  // Storage subscribes now, so it sees every event; start() migrates before sessions run.
  const storage = config.storage ? createStorage(config.storage, { bus, logger: deps.logger }) : undefined
  // resumeFrom replays from storage when there is one, else from a memory ring of recent events.
  const live = config.httpListen
    ? new LiveSink({
        bus,
        clock: deps.clock,
        logger: deps.logger,
        host: config.host,
        limits: config.live,
        ...(storage
          ? { history: clickhouseHistory({ query: storage.query, settled: () => storageSettled(storage) }) }
          : {}),
      })
    : undefined
  // Both exporters take events as they are published, from the first OPEN on.
  const mrtDump = config.mrtDump
    ? new MrtDumpSink(
        {
          dir: config.mrtDump.dir,
          updatesIntervalMs: config.mrtDump.updatesIntervalMinutes * 60_000,
          ribIntervalMs: config.mrtDump.ribIntervalHours * 3_600_000,
          ...(config.mrtDump.retentionDays !== undefined
            ? { retentionMs: config.mrtDump.retentionDays * 86_400_000 }
            : {}),
        },
        {
          bus,
          rib,
          clock: deps.clock,
          logger: deps.logger,
          collectorBgpId: config.routerId,
          viewName: config.host,
          peer: (address) => {
            const v = sessions.peer(address)?.view()
            return v && { ...v, ...(v.routerId ? { bgpId: v.routerId } : {}) }
          },
        },
      )
    : undefined
  const bmp = config.bmp
    ? new BmpExporter(
        {
          stations: config.bmp.stations,
          sysName: config.host,
          sysDescr: `${SOFTWARE_VERSION} (passive BGP route collector)`,
          statsIntervalMs: config.bmp.statsIntervalSeconds * 1000,
        },
        {
          bus,
          rib,
          clock: deps.clock,
          logger: deps.logger,
          peer: (address) => sessions.peer(address)?.view(),
        },
      )
    : undefined
  const startedAt = deps.clock.now()
  const api = createApi({
    peers: () => sessions.views(),
    now: () => deps.clock.now(),
    ...(live ? { liveStream: (req, res) => handleStream(live, req, res) } : {}),
    collector: {
      name: config.host,
      version: SOFTWARE_VERSION,
      asn: config.asn,
      routerId: config.routerId,
      startedAt,
    },
    rib,
    bus,
    sessions,
    ...(storage
      ? {
          storage: {
            database: config.storage!.clickhouseDatabase,
            query: storage.query,
            queryFormatted: (sql, format, params) => storage.writer.queryFormatted(sql, format, params),
            stats: () => storage.stats(),
          },
        }
      : {}),
    sinks: () => [
      ...(live ? [{ name: 'live', figures: live.stats() as unknown as Record<string, unknown> }] : []),
      ...(exabgp ? [{ name: 'exabgp', figures: exabgp.stats() as unknown as Record<string, unknown> }] : []),
      ...(mrtDump
        ? [{ name: 'mrt-dump', figures: mrtDump.stats() as unknown as Record<string, unknown> }]
        : []),
      ...(bmp ? [{ name: 'bmp', figures: bmp.stats() as unknown as Record<string, unknown> }] : []),
    ],
    ...(mrtDump ? { mrtFiles: mrtDump } : {}),
    ...(config.api ? { settings: config.api } : {}),
    logger: deps.logger,
  })
  let http: ServerType | undefined
  let ws: LiveWebSocketServer | undefined
  // After a table transfer the prefix index's key order is rebuilt a few milliseconds at a time,
  // so that no looking-glass range query or dump holds the event loop for it.
  let upkeep: TimerHandle | undefined
  const tend = () => {
    rib.prepareWalks(UPKEEP_MS)
    if (upkeep !== undefined) upkeep = deps.clock.setTimer(UPKEEP_EVERY_MS, tend)
  }

  async function startHttp(at: ListenAddress): Promise<ListenAddress> {
    return new Promise((resolve, reject) => {
      const server = serveHttp({ fetch: api.fetch, hostname: at.host, port: at.port }, (info: AddressInfo) =>
        resolve({ host: at.host, port: info.port }),
      )
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(`cannot listen for HTTP on ${formatListen(at)}: ${e.code ?? ''} ${e.message}`.trim()),
        ),
      )
      http = server
      if (live) ws = attachWebSocket(server as Server, live)
    })
  }

  return {
    rib,
    bus,
    sessions,
    api,
    live,
    exabgp,
    storage,
    mrtDump,
    bmp,
    async start() {
      await storage?.start()
      await mrtDump?.start()
      bmp?.start()
      exabgp?.start()
      upkeep = deps.clock.setTimer(UPKEEP_EVERY_MS, tend)
      sessions.start()
      const bgp = await sessions.listen(config.bgpListen)
      if (!config.httpListen) return { bgp }
      const bound = await startHttp(config.httpListen)
      deps.logger.info('listening', { http: formatListen(bound) })
      return { bgp, http: bound }
    },
    async stop(message = 'Routelake shutting down') {
      if (upkeep !== undefined) deps.clock.clearTimer(upkeep)
      upkeep = undefined
      await sessions.stop(message)
      await bmp?.stop()
      await mrtDump?.stop()
      await storage?.stop()
      await exabgp?.stop()
      live?.close()
      await ws?.close()
      ws = undefined
      const h = http
      http = undefined
      if (h) await new Promise<void>((resolve) => h.close(() => resolve()))
    },
  }
}
