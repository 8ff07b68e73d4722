// resumeFrom served from ClickHouse storage: the `messages` table (raw
// octets and decode context of every message) and the state changes of
// `peer_events`, read back in pages of PAGE rows ordered by (time, peer,
// sequence) — per peer, exactly the order they were published in — and
// decoded again (history.ts).
//
// `settled()` is the storage's promise that everything published before the
// call can be read: the ClickHouse sink hands over its open batch and the
// writer has every batch acknowledged. A batch the writer had to spool
// (ClickHouse unreachable) cannot be read yet, so a resume then fails with a
// ris_error instead of replaying with a gap. The main module adapts the
// storage to this interface (the live sink does not know the ClickHouse sink).

import { type CodecContext, familyByName } from '../../bgp/index.ts'
import type { SessionState } from '../../events/index.ts'
import { displayAddress, type Queryable } from '../../storage/queries.ts'
import { fromHex } from '../../wire/hex.ts'
import { type MessageHistory, ResumeError, type StoredEvent } from './history.ts'
import type { ResumePosition } from './subscription.ts'

export interface StoredHistorySource extends Queryable {
  /** Resolves once every event published before the call can be read; rejects saying why not. */
  settled(): Promise<void>
}

/** Rows read per query while replaying. */
export const PAGE = 5000

interface Row {
  readonly t: string
  readonly p: string
  readonly s: string
  readonly kind: 'message' | 'state'
  readonly collector: string
  readonly peer_asn: number | string
  readonly local_asn: number | string
  readonly direction: string
  readonly raw: string
  readonly asn4: boolean
  readonly add_path: readonly string[]
  readonly extended_message: boolean
  readonly synthetic: boolean
  readonly from_state: string
  readonly to_state: string
  readonly reason: string
}

const SELECT = (cond: string) => `
  SELECT * FROM (
    SELECT toUnixTimestamp64Micro(time) AS t, toString(peer_address) AS p, sequence AS s, 'message' AS kind,
           toString(collector) AS collector, peer_asn, local_asn, toString(direction) AS direction,
           hex(raw) AS raw, asn4, CAST(add_path AS Array(String)) AS add_path, extended_message, synthetic,
           '' AS from_state, '' AS to_state, '' AS reason
    FROM messages WHERE ${cond}
    UNION ALL
    SELECT toUnixTimestamp64Micro(time) AS t, toString(peer_address) AS p, sequence AS s, 'state' AS kind,
           toString(collector) AS collector, peer_asn, local_asn, '' AS direction,
           '' AS raw, CAST(0 AS Bool) AS asn4, CAST([] AS Array(String)) AS add_path,
           CAST(0 AS Bool) AS extended_message, CAST(0 AS Bool) AS synthetic,
           toString(from_state) AS from_state, toString(to_state) AS to_state, reason
    FROM peer_events WHERE event = 'state' AND ${cond}
  )`

const contexts = new Map<string, CodecContext>()

function context(r: Row): CodecContext {
  const key = `${r.asn4}|${r.extended_message}|${r.add_path.join(',')}`
  let c = contexts.get(key)
  if (!c) {
    const keys = new Set(r.add_path.map((n) => familyByName(n)).filter((k) => k !== undefined))
    c = { asn4: r.asn4, addPath: { has: (k) => keys.has(k) }, extendedMessage: r.extended_message }
    contexts.set(key, c)
  }
  return c
}

function stored(r: Row): StoredEvent {
  const origin = {
    host: r.collector,
    peerAddress: displayAddress(r.p),
    peerAsn: Number(r.peer_asn),
    localAsn: Number(r.local_asn),
    timestamp: Number(r.t),
    sequence: Number(r.s),
  }
  if (r.kind === 'state') {
    const from = r.from_state as SessionState
    const to = r.to_state as SessionState
    const risState = to === 'Established' ? 'connected' : from === 'Established' ? 'down' : undefined
    return {
      kind: 'state',
      ...origin,
      from,
      to,
      ...(risState ? { risState } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    }
  }
  return {
    kind: 'message',
    ...origin,
    direction: r.direction === 'sent' ? 'sent' : 'received',
    raw: fromHex(r.raw) ?? new Uint8Array(0),
    context: context(r),
    ...(r.synthetic ? { synthetic: true } : {}),
  }
}

/** Stored addresses are IPv6, IPv4 mapped. */
function storedAddress(a: string): string {
  return a.includes(':') ? a : `::ffff:${a}`
}

export function clickhouseHistory(source: StoredHistorySource): MessageHistory {
  /** Where the replay starts: a time (inclusive), or just after a stored message. */
  async function start(
    position: ResumePosition,
  ): Promise<{ t0: number; after?: { p0: string; s0: number } }> {
    if (position.kind === 'time') return { t0: position.micros }
    const found = await source.query<{ t: string; p: string; s: string }>(
      `SELECT t, p, s FROM (${SELECT('peer_address = toIPv6({peer:String}) AND sequence = {seq:UInt64}')})
       ORDER BY t DESC LIMIT 1`,
      { peer: storedAddress(position.peer), seq: position.sequence },
    )
    const at = found[0]
    if (!at) throw new ResumeError(`cannot resume from ${position.text}: no stored message has this id`)
    return { t0: Number(at.t), after: { p0: at.p, s0: Number(at.s) } }
  }

  return {
    description: 'ClickHouse storage',
    settled: () => source.settled(),
    readSince(position, signal) {
      return (async function* () {
        let { t0, after } = await start(position)
        const from = SELECT(`time >= fromUnixTimestamp64Micro({t0:Int64}, 'UTC')`)
        for (;;) {
          if (signal.aborted) return
          const keyset = after ? 'WHERE (t, p, s) > ({t0:Int64}, {p0:String}, {s0:UInt64})' : ''
          const rows = await source.query<Row>(`${from} ${keyset} ORDER BY t, p, s LIMIT ${PAGE}`, {
            t0,
            ...after,
          })
          for (const r of rows) {
            if (signal.aborted) return
            yield stored(r)
          }
          if (rows.length < PAGE) return
          const last = rows[rows.length - 1]!
          t0 = Number(last.t)
          after = { p0: last.p, s0: Number(last.s) }
        }
      })()
    },
  }
}

/** What clickhouseHistory needs of the storage's writer and sink, as main.ts has them. */
export interface StorageProgress {
  readonly sink: { flush(): Promise<void> }
  readonly writer: {
    stats(): { readonly inflightBatches: number; readonly child?: { readonly spooledBatches: number } }
  }
}

/**
 * settled() for storage: hand the open batch over, then wait (up to
 * `timeoutMs`) until the writer has every batch acknowledged and nothing
 * waits in the spool.
 */
export async function storageSettled(s: StorageProgress, timeoutMs = 30_000): Promise<void> {
  await s.sink.flush()
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const w = s.writer.stats()
    const spooled = w.child?.spooledBatches ?? 0
    if (w.inflightBatches === 0 && spooled === 0) return
    if (Date.now() > deadline) {
      throw new ResumeError(
        `cannot resume now: storage is behind (${w.inflightBatches} batches being written, ${spooled} spooled while ClickHouse is unavailable)`,
      )
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}
