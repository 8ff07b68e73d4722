// `routelake replay FILE… --connect HOST:PORT --local-as N`: an active BGP
// speaker that replays MRT files to a BGP receiver (the collector, or BIRD,
// GoBGP… in the benchmarks), then stays up until SIGTERM/SIGINT.
//
//  - A TABLE_DUMP_V2 RIB dump is sent as a full table, like a router on
//    session start: entries of one MRT peer (or of each, one session per
//    peer with --peer all), prefixes sharing an attribute set packed into as
//    few UPDATEs as fit, MP_REACH_NLRI rebuilt from the RIB entry's short form
//    (RFC 6396 §4.3.4), path ids where ADD-PATH send was negotiated, then an
//    End-of-RIB per family (RFC 4724 §2).
//  - An updates file (BGP4MP MESSAGE records) is sent message by message,
//    with the original spacing by default, re-encoded when the record's AS
//    width or ADD-PATH use differs from the session's.
//
// It is meant to be fast: messages are encoded straight into 256 KiB chunks,
// each written with one socket write, and a full socket buffer ('drain')
// pauses the reading rather than buffering in memory. With --preload the whole
// feed is encoded before connecting, so that the receiver is measured, not us.

import { parseArgs } from 'node:util'
import { type CodecContext, type FamilyKey, familyByName, familyKey } from '../collector/src/bgp/index.ts'
import { EventBus } from '../collector/src/events/index.ts'
import { createLogger, type Logger } from '../collector/src/log/logger.ts'
import { type PeerIndexTable, readMrt } from '../collector/src/mrt/index.ts'
import { createRib } from '../collector/src/rib/index.ts'
import { type LocalSpeaker, Peer, systemClock } from '../collector/src/session/index.ts'
import { formatIP, parseIP } from '../collector/src/wire/ip.ts'
import type { Command } from './cli.ts'
import { Chunks, endOfRib, RibPacker, sessionMessage } from './replay/encode.ts'

const HELP = `usage: routelake replay FILE… --connect HOST:PORT --local-as N [options]

Connects to a BGP speaker and replays MRT files to it: a TABLE_DUMP_V2 RIB
dump as a full table followed by End-of-RIB, BGP4MP updates files message by
message. Then stays up until SIGTERM or SIGINT (Cease / Administrative Shutdown).

options:
  --connect HOST:PORT    the receiver (required)
  --local-as N           our AS (required)
  --peer-as N            the receiver's AS (default: accept any)
  --peer WHICH           the MRT peer to replay: index in the PEER_INDEX_TABLE,
                         or address; 'all' opens one session per MRT peer
                         (needs --local-address; each session takes the next
                         address). Default: the first peer.
  --local-address ADDR   the source address of the (first) session
  --router-id A.B.C.D    our BGP identifier (default: the local address, or 192.0.2.1)
  --add-path             offer ADD-PATH send; path ids from the dump (or 1)
  --families LIST        families to offer (default ipv4-unicast,ipv6-unicast)
  --rate N               at most N UPDATEs per second
  --as-fast-as-possible  no pacing (default for RIB dumps; updates files keep
                         their original spacing otherwise)
  --preload              encode everything before connecting (benchmarks)
  --hold-time N          our hold time (default 90)
  --quiet                log warnings and errors only
`

export interface ReplayOptions {
  readonly files: readonly string[]
  readonly host: string
  readonly port: number
  readonly localAs: number
  readonly peerAs: number | 'any'
  readonly peer: 'all' | number | string
  readonly localAddress?: string
  readonly routerId?: string
  readonly addPath: boolean
  readonly families: readonly FamilyKey[]
  readonly rate?: number
  readonly fast: boolean
  readonly preload: boolean
  readonly holdTime: number
}

// --- sessions ------------------------------------------------------------------------

function nextAddress(address: string, n: number): string {
  const b = parseIP(address)!
  for (let i = 0; i < n; i++) {
    for (let j = b.length - 1; j >= 0; j--) {
      b[j] = (b[j]! + 1) & 0xff
      if (b[j] !== 0) break
    }
  }
  return formatIP(b, 0, b.length as 4 | 16)
}

interface Session {
  readonly peer: Peer
  /** Connects (once). */
  readonly start: () => void
  readonly label: string
  readonly ready: Promise<void>
  readonly ctx: () => CodecContext
}

function openSession(o: ReplayOptions, index: number, log: Logger): Session {
  const localAddress = o.localAddress ? nextAddress(o.localAddress, index) : undefined
  const routerId =
    o.routerId && index === 0
      ? o.routerId
      : localAddress && parseIP(localAddress)?.length === 4
        ? localAddress
        : nextAddress(o.routerId ?? '192.0.2.1', index)
  const local: LocalSpeaker = {
    asn: o.localAs,
    routerId,
    hostname: 'routelake-replay',
    domain: '',
    softwareVersion: 'Routelake replay 0.1.0',
  }
  let established!: () => void
  const ready = new Promise<void>((resolve) => {
    established = resolve
  })
  const peer = new Peer(
    o.host,
    {
      address: o.host,
      asn: o.peerAs,
      families: o.families,
      addPath: false,
      holdTime: o.holdTime,
      gracefulRestart: false,
    },
    {
      clock: systemClock(),
      logger: log.child({ session: index, local: localAddress }),
      bus: new EventBus(),
      rib: createRib(),
      local,
      host: 'replay',
      fsm: { connectRetryTime: 2, idleHoldMin: 1, idleHoldMax: 5 },
    },
    {
      connect: { port: o.port, ...(localAddress ? { localAddress } : {}) },
      addPathSend: o.addPath,
      onEstablished: () => established(),
    },
  )
  let started = false
  return {
    peer,
    start: () => {
      if (!started) peer.start()
      started = true
    },
    label: localAddress ?? `session ${index}`,
    ready,
    ctx: () => peer.session?.sendContext ?? { asn4: true, addPath: new Set(), extendedMessage: false },
  }
}

async function writeAll(s: Session, chunks: readonly Uint8Array[]): Promise<void> {
  for (const c of chunks) {
    if (s.peer.state !== 'Established') await s.ready
    if (!s.peer.write(c)) await s.peer.drain()
  }
}

// --- the replay ----------------------------------------------------------------------

interface Feed {
  readonly session: Session
  readonly out: Chunks
  packer?: RibPacker
  sent: number
  prefixes: number
}

function choosePeers(table: PeerIndexTable, which: ReplayOptions['peer']): number[] {
  if (which === 'all') return table.peers.map((_, i) => i)
  if (typeof which === 'number') {
    if (which < 0 || which >= table.peers.length)
      throw new Error(`--peer ${which}: the dump has ${table.peers.length} peers`)
    return [which]
  }
  const i = table.peers.findIndex((p) => p.address === which)
  if (i < 0) throw new Error(`--peer ${which}: no such peer in the PEER_INDEX_TABLE`)
  return [i]
}

async function pace(
  o: ReplayOptions,
  sentAt: { start: number; count: number },
  recordTime: number | undefined,
  first: { t?: number },
) {
  if (o.fast) return
  // The clock starts with the first message, once its session is up: starting it when the
  // file was opened would send the first messages early by the time the session took.
  if (sentAt.count === 0) sentAt.start = performance.now()
  if (o.rate) {
    const due = sentAt.start + (sentAt.count / o.rate) * 1000
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    return
  }
  if (recordTime === undefined) return
  first.t ??= recordTime
  const due = sentAt.start + (recordTime - first.t) * 1000
  const wait = due - performance.now()
  if (wait > 1) await new Promise((r) => setTimeout(r, wait))
}

export async function replay(
  o: ReplayOptions,
  log: Logger,
): Promise<{ sessions: Session[]; stop: (m?: string) => Promise<void> }> {
  const sessions: Session[] = []
  const feeds = new Map<number, Feed>()
  const feedFor = (index: number): Feed => {
    let f = feeds.get(index)
    if (!f) {
      const session = openSession(o, sessions.length, log)
      // With --preload, sessions connect once everything is encoded.
      if (!o.preload) session.start()
      sessions.push(session)
      f = { session, out: new Chunks(), sent: 0, prefixes: 0 }
      feeds.set(index, f)
    }
    return f
  }
  // With --preload nothing connects until everything is encoded: encode against the context we expect.
  const expected: CodecContext = {
    asn4: true,
    addPath: new Set(o.addPath ? o.families : []),
    extendedMessage: false,
  }
  const ctxOf = (f: Feed) => (o.preload ? expected : f.session.ctx())
  const t0 = performance.now()
  const flushTo = async (f: Feed) => {
    if (o.preload) return
    const chunks = f.out.take()
    if (chunks.length) await writeAll(f.session, chunks)
  }
  const updatePeers = new Map<string, number>()
  for (const file of o.files) {
    const reader = readMrt(file, { validate: true })
    let chosen: number[] | undefined
    let ribSeen = false
    const paced = { start: performance.now(), count: 0 }
    const first: { t?: number } = {}
    for await (const batch of reader.batches()) {
      for (const rec of batch) {
        const body = rec.body
        if (!body) continue
        if (body.kind === 'PEER_INDEX_TABLE') {
          chosen = choosePeers(body.table, o.peer)
          for (const i of chosen) {
            const f = feedFor(i)
            if (!o.preload) await f.session.ready
            f.packer ??= new RibPacker(f.out, ctxOf(f))
          }
        } else if (body.kind === 'RIB') {
          ribSeen = true
          for (const e of body.rib.entries) {
            if (!chosen?.includes(e.peerIndex)) continue
            const f = feeds.get(e.peerIndex)!
            if (!o.families.includes(familyKey(body.rib.afi, body.rib.safi))) continue
            f.packer!.add(body.rib, e.attributes, e.pathId)
          }
        } else if (body.kind === 'BGP4MP_MESSAGE' && !body.message.local) {
          const address = formatIP(body.message.peerAddress, 0, body.message.peerAddress.length as 4 | 16)
          let index = updatePeers.get(address)
          if (index === undefined) {
            const wanted =
              o.peer === 'all' ||
              (typeof o.peer === 'string' ? o.peer === address : updatePeers.size === 0 && o.peer === 0)
            if (!wanted) continue
            index = 1_000_000 + updatePeers.size
            updatePeers.set(address, index)
          }
          const f = feedFor(index)
          if (!o.preload) await f.session.ready
          const bytes = sessionMessage(body.message, ctxOf(f))
          if (!bytes) continue
          await pace(o, paced, rec.timestamp + (rec.microseconds ?? 0) / 1e6, first)
          f.out.add(bytes, 0)
          paced.count++
          if (!o.fast) await flushTo(f)
        }
      }
      for (const f of feeds.values()) {
        if (f.out.done.length) await flushTo(f)
      }
    }
    if (ribSeen) {
      for (const f of feeds.values()) {
        if (!f.packer) continue
        f.packer.flush()
        const families = o.preload ? o.families : (f.session.peer.session?.families ?? o.families)
        for (const fam of families) f.out.add(endOfRib(fam), 0)
        if (f.packer.skipped)
          log.warn('entries skipped', { file, entries: f.packer.skipped, reason: 'no next hop' })
      }
    }
    for (const f of feeds.values()) await flushTo(f)
    log.info('file replayed', {
      file,
      records: reader.records,
      seconds: ((performance.now() - t0) / 1000).toFixed(2),
    })
  }
  if (o.preload) {
    const encoded = [...feeds.values()].map((f) => ({ f, chunks: f.out.take() }))
    log.info('preloaded', {
      messages: [...feeds.values()].reduce((n, f) => n + f.out.messages, 0),
      octets: encoded.reduce((n, e) => n + e.chunks.reduce((m, c) => m + c.length, 0), 0),
      seconds: ((performance.now() - t0) / 1000).toFixed(2),
    })
    await Promise.all(
      encoded.map(async ({ f, chunks }) => {
        f.session.start()
        await f.session.ready
        const t = performance.now()
        await writeAll(f.session, chunks)
        log.info('sent', {
          session: f.session.label,
          messages: f.out.messages,
          seconds: ((performance.now() - t) / 1000).toFixed(3),
        })
      }),
    )
  }
  for (const f of feeds.values()) {
    log.info('replayed', { session: f.session.label, updates: f.out.messages, prefixes: f.out.prefixes })
  }
  return {
    sessions,
    stop: async (m = 'replay finished') => {
      await Promise.all(sessions.map((s) => s.peer.stop(m)))
    },
  }
}

// --- the command ----------------------------------------------------------------------

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: '${v}' is not a whole number`)
  return n
}

export function parseReplayArgs(args: string[]): ReplayOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      connect: { type: 'string' },
      'local-as': { type: 'string' },
      'peer-as': { type: 'string' },
      peer: { type: 'string' },
      'local-address': { type: 'string' },
      'router-id': { type: 'string' },
      'add-path': { type: 'boolean' },
      families: { type: 'string' },
      rate: { type: 'string' },
      'as-fast-as-possible': { type: 'boolean' },
      preload: { type: 'boolean' },
      'hold-time': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  })
  if (values.help) return 'help'
  if (!positionals.length) throw new Error('no MRT file given')
  const connect = values.connect
  if (!connect) throw new Error('--connect HOST:PORT is required')
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(connect)
  if (!m || !parseIP(m[1]!)) throw new Error(`--connect: '${connect}' is not HOST:PORT`)
  const localAs = positiveInt(values['local-as'], '--local-as')
  if (!localAs) throw new Error('--local-as N is required')
  const families = (values.families ?? 'ipv4-unicast,ipv6-unicast').split(',').map((n) => {
    const k = familyByName(n.trim())
    if (k === undefined) throw new Error(`--families: unknown family '${n}'`)
    return k
  })
  const peer =
    values.peer === undefined
      ? 0
      : values.peer === 'all'
        ? 'all'
        : /^\d+$/.test(values.peer)
          ? Number(values.peer)
          : values.peer
  if (peer === 'all' && !values['local-address'])
    throw new Error('--peer all needs --local-address (each session takes the next address)')
  const rate = positiveInt(values.rate, '--rate')
  return {
    files: positionals,
    host: m[1]!,
    port: Number(m[2]),
    localAs,
    peerAs: positiveInt(values['peer-as'], '--peer-as') ?? 'any',
    peer,
    ...(values['local-address'] ? { localAddress: values['local-address'] } : {}),
    ...(values['router-id'] ? { routerId: values['router-id'] } : {}),
    addPath: values['add-path'] ?? false,
    families,
    ...(rate ? { rate } : {}),
    fast: values['as-fast-as-possible'] ?? false,
    preload: values.preload ?? false,
    holdTime: positiveInt(values['hold-time'], '--hold-time') ?? 90,
  }
}

export const command: Command = {
  summary: 'replay MRT files to a BGP speaker',
  async run(args) {
    let o: ReplayOptions | 'help'
    try {
      o = parseReplayArgs(args)
    } catch (e) {
      console.error(
        `routelake replay: ${(e as Error).message}\n\nrun 'routelake replay --help' for the options`,
      )
      return 2
    }
    if (o === 'help') {
      console.log(HELP)
      return 0
    }
    const quiet = args.includes('--quiet')
    const log = createLogger({ level: quiet ? 'warn' : 'info' })
    let stop: ((m?: string) => Promise<void>) | undefined
    let stopping = false
    const done = new Promise<number>((resolve) => {
      const shutdown = (signal: string) => {
        if (stopping) return
        stopping = true
        log.info('shutting down', { signal })
        void (stop ? stop('routelake replay stopping') : Promise.resolve()).then(() => resolve(0))
      }
      process.once('SIGTERM', () => shutdown('SIGTERM'))
      process.once('SIGINT', () => shutdown('SIGINT'))
    })
    try {
      const r = await replay(o, log)
      stop = r.stop
      log.info('staying up', { note: 'SIGTERM or SIGINT ends the sessions' })
    } catch (e) {
      log.error('replay failed', { reason: (e as Error).message })
      return 1
    }
    // Keep the process alive: the sessions' timers are unref'd.
    const keep = setInterval(() => {}, 1 << 30)
    const code = await done
    clearInterval(keep)
    return code
  },
}
