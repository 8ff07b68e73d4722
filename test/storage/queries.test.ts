// The history queries of storage/queries.ts on a small, known history of two
// peers, answers compared whole; and, on a table of 300,000 rows, proof from
// EXPLAIN that prefix questions (exact, more-specific, less-specific) read a
// few granules through the primary index instead of scanning.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AsPathSegment,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  type PathAttribute,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import type { PeerStateEvent, SessionState, UpdateEvent } from '../../collector/src/events/index.ts'
import { BatchWriter } from '../../collector/src/storage/batch.ts'
import {
  minuteCounts,
  moas,
  originChanges,
  type PrefixMatch,
  peerRibAt,
  prefixCondition,
  prefixHistory,
  type Route,
  routesAt,
} from '../../collector/src/storage/queries.ts'
import type { StorageWriter } from '../../collector/src/storage/writer.ts'
import { cleanDirs, embeddedOptions, settled, tempDir, writerFor } from './support.ts'

const A = '192.0.2.1'
const B = '2001:db8::2'
/** A peer with sessions: its state changes are stored too. */
const C = '192.0.2.3'
const NEXT_HOP: Readonly<Record<string, string>> = { [A]: A, [B]: '192.0.2.2', [C]: C }
const ASN: Readonly<Record<string, number>> = { [A]: 64500, [B]: 64501, [C]: 64503 }
const S = 1_000_000
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0) * 1000
const sequences = new Map<string, number>()

function update(peer: string, at: number, u: UpdateMessage): UpdateEvent {
  const raw = encodeMessage(u, DEFAULT_CONTEXT)
  const d = decodeMessage(raw, DEFAULT_CONTEXT)
  const sequence = (sequences.get(peer) ?? 0) + 1
  sequences.set(peer, sequence)
  return {
    type: 'message',
    host: 'rl-test',
    peerAddress: peer,
    peerAsn: ASN[peer]!,
    localAsn: 65000,
    timestamp: T0 + at,
    sequence,
    direction: 'received',
    raw,
    message: d.message,
    context: DEFAULT_CONTEXT,
    routes: updateRoutes(d.message as UpdateMessage, d.problems, DEFAULT_CONTEXT),
    problems: d.problems,
  }
}

function announce(peer: string, at: number, prefixes: string[], asns: number[]): UpdateEvent {
  const path: AsPathSegment[] = [{ type: 'AS_SEQUENCE', asns }]
  const v6 = prefixes[0]!.includes(':')
  const attributes: PathAttribute[] = [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    { code: 2, flags: 0x40, name: 'AS_PATH', value: path },
  ]
  if (v6) {
    attributes.unshift({
      code: 14,
      flags: 0x90,
      name: 'MP_REACH_NLRI',
      value: {
        afi: 2,
        safi: 1,
        family: 'ipv6-unicast',
        nextHop: [B],
        nlri: prefixes.map((prefix) => ({ prefix })),
      },
    })
  } else {
    attributes.push({ code: 3, flags: 0x40, name: 'NEXT_HOP', value: NEXT_HOP[peer]! })
  }
  return update(peer, at, {
    type: 'UPDATE',
    withdrawn: [],
    attributes,
    nlri: v6 ? [] : prefixes.map((prefix) => ({ prefix })),
  })
}

/** A state change, numbered in the same sequence as the peer's messages (as sessions do). */
function state(peer: string, at: number, from: SessionState, to: SessionState): PeerStateEvent {
  const sequence = (sequences.get(peer) ?? 0) + 1
  sequences.set(peer, sequence)
  return {
    type: 'state',
    host: 'rl-test',
    peerAddress: peer,
    peerAsn: ASN[peer]!,
    localAsn: 65000,
    timestamp: T0 + at,
    sequence,
    from,
    to,
  }
}

function withdraw(peer: string, at: number, prefixes: string[]): UpdateEvent {
  return update(peer, at, {
    type: 'UPDATE',
    withdrawn: prefixes.map((prefix) => ({ prefix })),
    attributes: [],
    nlri: [],
  })
}

let writer: StorageWriter

beforeAll(async () => {
  writer = writerFor(embeddedOptions(tempDir())).writer
  await writer.start()
  const events = [
    announce(A, 0, ['10.1.2.0/24', '10.1.0.0/16'], [64500, 64510]),
    announce(B, 10 * S, ['10.1.2.0/24'], [64501, 64511]),
    announce(A, 20 * S, ['10.1.2.0/24'], [64500, 64512]),
    withdraw(A, 30 * S, ['10.1.0.0/16']),
    announce(A, 40 * S, ['10.0.0.0/8'], [64500, 64530]),
    announce(B, 40 * S, ['2001:db8:1::/48'], [64501, 64540]),
    withdraw(B, 90 * S, ['10.1.2.0/24']),
    // C: a session that ends without withdrawals, a second one, then a collector restart
    // (the peer's first state change is Idle>Active, and no "down" was ever stored).
    state(C, 200 * S, 'Idle', 'Active'),
    state(C, 200 * S, 'Active', 'OpenConfirm'),
    state(C, 200 * S, 'OpenConfirm', 'Established'),
    announce(C, 201 * S, ['10.3.0.0/16', '10.3.1.0/24'], [64503, 64513]),
    state(C, 210 * S, 'Established', 'Idle'),
    state(C, 211 * S, 'Idle', 'Active'),
    state(C, 220 * S, 'Active', 'OpenConfirm'),
    state(C, 220 * S, 'OpenConfirm', 'Established'),
    announce(C, 221 * S, ['10.4.0.0/16'], [64503, 64514]),
    state(C, 240 * S, 'Idle', 'Active'),
  ]
  const b = new BatchWriter()
  for (const e of events) e.type === 'message' ? b.addMessage(e) : b.addState(e)
  writer.submit('history-1', b.take(), events.length)
  await settled(writer)
})

afterAll(async () => {
  await writer.stop()
  cleanDirs()
})

function route(peer: string, at: number, prefix: string, asPath: number[], over: Partial<Route> = {}): Route {
  return {
    timestamp: T0 + at,
    collector: 'rl-test',
    peer,
    peerAsn: ASN[peer]!,
    family: prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast',
    prefix,
    pathId: 0,
    rd: '',
    nextHop: prefix.includes(':') ? [B] : [NEXT_HOP[peer]!],
    asPath,
    originAsn: asPath[asPath.length - 1]!,
    origin: 'igp',
    med: null,
    localPref: null,
    communities: [],
    largeCommunities: [],
    extendedCommunities: [],
    ...over,
  }
}

/** The SQL and parameters routesAt sends for a prefix question (at a time, so peer_events counts too). */
async function statementOf(prefix: string, match: PrefixMatch): Promise<[string, Record<string, unknown>]> {
  let out: [string, Record<string, unknown>] | undefined
  await routesAt(
    {
      query: async <T>(sql: string, params?: Readonly<Record<string, unknown>>) => {
        out = [sql, { ...params }]
        return [] as T[]
      },
    },
    { prefix, match, at: T0 + 100 * S },
  )
  return out!
}

describe('history queries', () => {
  it('gives the path history of a prefix, for all peers or one, over a time range', async () => {
    expect(await prefixHistory(writer, { prefix: '10.1.2.0/24' })).toEqual([
      { ...route(A, 0, '10.1.2.0/24', [64500, 64510]), action: 'announce', sequence: 1 },
      { ...route(B, 10 * S, '10.1.2.0/24', [64501, 64511]), action: 'announce', sequence: 1 },
      { ...route(A, 20 * S, '10.1.2.0/24', [64500, 64512]), action: 'announce', sequence: 2 },
      {
        ...route(B, 90 * S, '10.1.2.0/24', [], { nextHop: [], originAsn: 0, origin: '' }),
        action: 'withdraw',
        sequence: 3,
      },
    ])
    expect(
      await prefixHistory(writer, { prefix: '10.1.2.0/24', peer: A, from: T0 + 5 * S, to: T0 + 60 * S }),
    ).toEqual([{ ...route(A, 20 * S, '10.1.2.0/24', [64500, 64512]), action: 'announce', sequence: 2 }])
  })

  it('gives the routes for a prefix at a time, exact, more-specific and less-specific', async () => {
    expect(await routesAt(writer, { prefix: '10.1.2.0/24', at: T0 + 15 * S })).toEqual([
      route(A, 0, '10.1.2.0/24', [64500, 64510]),
      route(B, 10 * S, '10.1.2.0/24', [64501, 64511]),
    ])
    expect(await routesAt(writer, { prefix: '10.1.2.0/24', at: T0 + 100 * S })).toEqual([
      route(A, 20 * S, '10.1.2.0/24', [64500, 64512]),
    ])
    // The /16 was withdrawn at 30 s and the /8 announced at 40 s.
    expect(await routesAt(writer, { prefix: '10.0.0.0/8', match: 'more-specific', at: T0 + 35 * S })).toEqual(
      [route(A, 20 * S, '10.1.2.0/24', [64500, 64512]), route(B, 10 * S, '10.1.2.0/24', [64501, 64511])],
    )
    expect(
      await routesAt(writer, { prefix: '10.1.2.0/24', match: 'less-specific', at: T0 + 50 * S }),
    ).toEqual([
      route(A, 40 * S, '10.0.0.0/8', [64500, 64530]),
      route(A, 20 * S, '10.1.2.0/24', [64500, 64512]),
      route(B, 10 * S, '10.1.2.0/24', [64501, 64511]),
    ])
    expect(
      await routesAt(writer, { prefix: '10.1.2.77/32', match: 'less-specific', at: T0 + 25 * S }),
    ).toEqual([
      route(A, 0, '10.1.0.0/16', [64500, 64510]),
      route(A, 20 * S, '10.1.2.0/24', [64500, 64512]),
      route(B, 10 * S, '10.1.2.0/24', [64501, 64511]),
    ])
    expect(await routesAt(writer, { prefix: '2001:db8::/32', match: 'more-specific' })).toEqual([
      route(B, 40 * S, '2001:db8:1::/48', [64501, 64540]),
    ])
    // IPv4 questions never match IPv6 rows, nor the reverse.
    expect(
      await routesAt(writer, { prefix: '0.0.0.0/0', match: 'more-specific', peer: B, at: T0 + 50 * S }),
    ).toEqual([route(B, 10 * S, '10.1.2.0/24', [64501, 64511])])
    expect(await routesAt(writer, { prefix: '::/0', match: 'more-specific', peer: A })).toEqual([])
    expect(await routesAt(writer, { prefix: '::/0', match: 'more-specific', peer: B })).toEqual([
      route(B, 40 * S, '2001:db8:1::/48', [64501, 64540]),
    ])
    expect(await routesAt(writer, { prefix: '10.1.2.0/24', peer: B })).toEqual([])
  })

  it('gives the RIB of a peer at a time', async () => {
    expect(await peerRibAt(writer, { peer: A, at: T0 + 25 * S })).toEqual([
      route(A, 0, '10.1.0.0/16', [64500, 64510]),
      route(A, 20 * S, '10.1.2.0/24', [64500, 64512]),
    ])
    expect(await peerRibAt(writer, { peer: A })).toEqual([
      route(A, 40 * S, '10.0.0.0/8', [64500, 64530]),
      route(A, 20 * S, '10.1.2.0/24', [64500, 64512]),
    ])
    expect(await peerRibAt(writer, { peer: B, family: 'ipv6-unicast' })).toEqual([
      route(B, 40 * S, '2001:db8:1::/48', [64501, 64540]),
    ])
  })

  it('counts only the updates of the session in force at the time (peer_events), withdrawn or not', async () => {
    const first = [
      route(C, 201 * S, '10.3.0.0/16', [64503, 64513]),
      route(C, 201 * S, '10.3.1.0/24', [64503, 64513]),
    ]
    expect(await peerRibAt(writer, { peer: C, at: T0 + 205 * S })).toEqual(first)
    expect(
      await routesAt(writer, { prefix: '10.3.0.0/16', match: 'more-specific', at: T0 + 205 * S }),
    ).toEqual(first)
    // The session went down at 210 s and no withdrawal was stored: no routes.
    expect(await peerRibAt(writer, { peer: C, at: T0 + 215 * S })).toEqual([])
    expect(
      await routesAt(writer, { prefix: '10.3.0.0/16', match: 'more-specific', at: T0 + 215 * S }),
    ).toEqual([])
    // Up again at 220 s: only what the new session announced, not the first session's routes.
    expect(await peerRibAt(writer, { peer: C, at: T0 + 230 * S })).toEqual([
      route(C, 221 * S, '10.4.0.0/16', [64503, 64514]),
    ])
    expect(
      await routesAt(writer, { prefix: '10.0.0.0/8', match: 'more-specific', peer: C, at: T0 + 230 * S }),
    ).toEqual([route(C, 221 * S, '10.4.0.0/16', [64503, 64514])])
    // The collector restarted at 240 s (the crash left no "down" behind): the peer waits, no routes.
    expect(await peerRibAt(writer, { peer: C, at: T0 + 250 * S })).toEqual([])
    expect(await peerRibAt(writer, { peer: C })).toEqual([])
    expect(await routesAt(writer, { prefix: '10.4.0.0/16' })).toEqual([])
    // Peers without stored sessions (A, B) are unaffected.
    expect(await routesAt(writer, { prefix: '10.0.0.0/8', match: 'less-specific' })).toEqual([
      route(A, 40 * S, '10.0.0.0/8', [64500, 64530]),
    ])
  })

  it('finds origin changes and prefixes with several origins', async () => {
    expect(await originChanges(writer, { prefix: '10.0.0.0/8', match: 'more-specific' })).toEqual([
      {
        timestamp: T0 + 20 * S,
        collector: 'rl-test',
        peer: A,
        prefix: '10.1.2.0/24',
        previousOrigin: 64510,
        origin: 64512,
      },
    ])
    expect(await originChanges(writer, { prefix: '10.1.2.0/24', from: T0 + 30 * S })).toEqual([])
    expect(await moas(writer, { from: T0, to: T0 + 60 * S })).toEqual([
      {
        prefix: '10.1.2.0/24',
        origins: [64510, 64511, 64512],
        peers: 2,
        firstSeen: T0,
        lastSeen: T0 + 20 * S,
      },
    ])
    expect(await moas(writer, { from: T0 + 15 * S, to: T0 + 60 * S })).toEqual([])
  })

  it('gives per-minute counts of each peer from the materialized views', async () => {
    const minute = T0 / S
    const counts = (await minuteCounts(writer, { from: T0, to: T0 + 120 * S })).map(({ bytes, ...c }) => ({
      ...c,
      bytes: bytes > 0,
    }))
    const base = { collector: 'rl-test', bytes: true }
    expect(counts).toEqual([
      { ...base, minute, peer: A, peerAsn: 64500, messages: 4, updates: 4, announcements: 4, withdrawals: 1 },
      { ...base, minute, peer: B, peerAsn: 64501, messages: 2, updates: 2, announcements: 2, withdrawals: 0 },
      {
        ...base,
        minute: minute + 60,
        peer: B,
        peerAsn: 64501,
        messages: 1,
        updates: 1,
        announcements: 0,
        withdrawals: 1,
      },
    ])
    const later = await minuteCounts(writer, { peer: B, from: T0 + 60 * S })
    expect(later.map(({ bytes, ...c }) => ({ ...c, bytes: bytes > 0 }))).toEqual([counts[2]])
  })

  it('answers prefix questions from the primary index, not by scanning', async () => {
    // 300,000 more rows: random IPv4 /24s and IPv6 /48s of 4 peers, over a month.
    await writer.command(`INSERT INTO updates (prefix, prefix_length, collector, peer_address, time, sequence, peer_asn, action, family)
      SELECT if(n % 5 = 0, toIPv6(concat('2001:db8:', hex(toUInt16(n % 65536)), '::')), toIPv6(IPv4NumToString(bitAnd(toUInt32(cityHash64(n) % 4294967296), 4294967040)))),
             if(n % 5 = 0, 48, 24), 'rl-test', toIPv6(concat('192.0.2.', toString(10 + n % 4))),
             fromUnixTimestamp64Micro(toInt64(${T0} + n * 8000000), 'UTC'), n, 64500, 'announce', if(n % 5 = 0, 'ipv6-unicast', 'ipv4-unicast')
      FROM (SELECT number AS n FROM numbers(300000))`)
    await writer.command('OPTIMIZE TABLE updates FINAL')
    for (const [prefix, match] of [
      ['10.1.2.0/24', 'exact'],
      ['10.1.0.0/16', 'more-specific'],
      ['10.1.2.77/32', 'less-specific'],
      ['2001:db8:77::/48', 'less-specific'],
    ] as const) {
      const c = prefixCondition(prefix, match)
      // The condition alone, and routesAt's whole statement (grouping and the join with
      // peer_events come after the read): `updates` is read through its primary index.
      for (const [sql, params] of [
        [`SELECT * FROM updates WHERE ${c.where}`, c.params],
        await statementOf(prefix, match),
      ] as const) {
        const plan = await writer.query<{ explain: string }>(`EXPLAIN indexes = 1 ${sql}`, params)
        const text = plan.map((r) => r.explain).join('\n')
        const read = text.slice(text.indexOf('ReadFromMergeTree (routelake.updates)'))
        const primary = /PrimaryKey[\s\S]*?Granules: (\d+)\/(\d+)/.exec(read)
        expect({ prefix, match, usesIndex: primary !== null }).toEqual({ prefix, match, usesIndex: true })
        const [granules, total] = [Number(primary![1]), Number(primary![2])]
        // 300,000 rows are ~75 granules of 4096: a lookup reads one or two (one per range end).
        expect({ prefix, match, total: total > 50, read: granules <= 3 }).toEqual({
          prefix,
          match,
          total: true,
          read: true,
        })
      }
    }
  })
})
