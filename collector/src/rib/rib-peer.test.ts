import { describe, expect, it } from 'vitest'
import type { Nlri } from '../bgp/index.ts'
import { createRib, type Rib, type WithdrawalBatch } from './index.ts'
import { ADD_PATH, announce4, announceMp, p, send, withdraw4 } from './test-updates.ts'

function v4(i: number): string {
  return `10.${(i >> 8) & 255}.${i & 255}.0/24`
}

/** Every page of a peer's listing, with `between` run after each page. */
function pages(rib: Rib, peer: number, limit: number, between: (page: number) => void = () => {}): string[] {
  const seen: string[] = []
  let cursor: string | undefined
  for (let page = 0; page < 10_000; page++) {
    const r = rib.list(peer, { limit, ...(cursor ? { cursor } : {}) })
    expect(r.routes.length).toBeLessThanOrEqual(limit)
    for (const route of r.routes) seen.push(`${route.family} ${route.key} ${route.pathId ?? '-'}`)
    if (!r.cursor) return seen
    cursor = r.cursor
    between(page)
  }
  throw new Error('listing does not end')
}

function withdrawn(batches: readonly WithdrawalBatch[]): string[] {
  return batches.flatMap((b) =>
    b.nlri.map((n: Nlri & { prefix?: string }) => `${b.family} ${n.prefix} ${n.pathId ?? '-'}`),
  )
}

describe('Adj-RIB-In listing', () => {
  it('lists a peer in family, key and path id order, page by page', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    send(rib, a, announceMp(2, 1, [p('2001:db8::/32'), p('::/0')]))
    send(
      rib,
      a,
      announce4([p('10.0.0.0/8', 2), p('10.0.0.0/8', 1), p('9.0.0.0/8', 5), p('10.0.0.0/16', 1)]),
      ADD_PATH,
    )
    send(rib, b, announce4([p('9.0.0.0/8'), p('10.0.0.0/9')]))
    const want = [
      'ipv4-unicast 9.0.0.0/8 5',
      'ipv4-unicast 10.0.0.0/8 1',
      'ipv4-unicast 10.0.0.0/8 2',
      'ipv4-unicast 10.0.0.0/16 1',
      'ipv6-unicast ::/0 -',
      'ipv6-unicast 2001:db8::/32 -',
    ]
    for (const limit of [1, 2, 3, 100]) expect(pages(rib, a, limit)).toEqual(want)
    expect(pages(rib, b, 1)).toEqual(['ipv4-unicast 9.0.0.0/8 -', 'ipv4-unicast 10.0.0.0/9 -'])
    expect(rib.list(a, { family: 'ipv6-unicast' }).routes.map((r) => r.key)).toEqual([
      '::/0',
      '2001:db8::/32',
    ])
    expect(() => rib.list(a, { cursor: 'nonsense' })).toThrow(RangeError)
  })

  it('returns every route held throughout a listing exactly once, whatever changes in between', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const other = rib.peer('other')
    const stable = Array.from({ length: 300 }, (_, i) => v4(i * 3))
    send(rib, a, announce4(stable.slice(0, 150).map((x) => p(x))))
    send(
      rib,
      a,
      announce4(
        stable.slice(150).map((x) => p(x)),
        { med: 5 },
      ),
    )
    const churn = Array.from({ length: 300 }, (_, i) => v4(i * 3 + 1))
    let added = 0
    const seen = pages(rib, a, 17, (page) => {
      // Add and remove routes all over the table, before and after the cursor, for this peer and another.
      const batch = churn.slice(added, added + 10).map((x) => p(x))
      added += 10
      send(rib, a, announce4(batch))
      send(rib, other, announce4(batch))
      if (page % 2) send(rib, a, withdraw4(batch.slice(0, 5)))
      send(rib, a, announce4([p(stable[(page * 37) % 300]!)], { med: page }))
    })
    const listed = seen.map((s) => s.split(' ')[1]!)
    for (const x of stable) expect(listed.filter((y) => y === x)).toEqual([x])
    expect(new Set(listed).size).toBe(listed.length)
    const order = [...listed].sort((x, y) => {
      const [p1, p2] = [x, y].map((z) => z.split(/[./]/).map(Number))
      for (let i = 0; i < 5; i++) if (p1![i] !== p2![i]) return p1![i]! - p2![i]!
      return 0
    })
    expect(listed).toEqual(order)
  })
})

describe('Adj-RIB-In graceful restart', () => {
  it('marks stale, refreshes on re-announcement and sweeps what is left', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    send(rib, a, announce4([p('10.0.0.0/8'), p('11.0.0.0/8'), p('12.0.0.0/8')]))
    send(rib, a, announceMp(2, 1, [p('2001:db8::/32')]))
    send(rib, b, announce4([p('10.0.0.0/8')]))
    expect(rib.markStale(a)).toBe(4)
    expect(rib.markStale(a)).toBe(0)
    expect(rib.counts(a).map((c) => c.stale)).toEqual([3, 1])
    expect(rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes.map((r) => [r.peer, r.stale])).toEqual([
      [a, true],
      [b, false],
    ])
    // The peer is back and refreshes part of its table.
    send(rib, a, announce4([p('11.0.0.0/8')]))
    expect(rib.exact('ipv4-unicast', '11.0.0.0/8')!.routes[0]!.stale).toBe(false)
    const batches: WithdrawalBatch[] = []
    // End-of-RIB for IPv4: only that family is swept.
    expect(rib.sweepStale(a, ['ipv4-unicast'], (x) => batches.push(x))).toBe(2)
    expect(withdrawn(batches)).toEqual(['ipv4-unicast 10.0.0.0/8 -', 'ipv4-unicast 12.0.0.0/8 -'])
    expect(batches.map((x) => [x.peer, x.afi, x.safi])).toEqual([[a, 1, 1]])
    expect(rib.list(a).routes.map((r) => [r.key, r.stale])).toEqual([
      ['11.0.0.0/8', false],
      ['2001:db8::/32', true],
    ])
    expect(rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes.map((r) => r.peer)).toEqual([b])
    expect(rib.sweepStale(a)).toBe(1)
    expect(rib.counts(a)).toEqual([{ family: 'ipv4-unicast', paths: 1, prefixes: 1, stale: 0 }])
  })

  it('keeps LLGR-stale routes flagged and drops those carrying NO_LLGR', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.0.0.0/8'), p('11.0.0.0/8')], { communities: ['64500:1'] }))
    send(rib, a, announce4([p('12.0.0.0/8')], { communities: ['64500:1', '65535:7'] }))
    rib.markStale(a)
    const batches: WithdrawalBatch[] = []
    expect(rib.markLlgrStale(a, undefined, (x) => batches.push(x))).toBe(2)
    expect(withdrawn(batches)).toEqual(['ipv4-unicast 12.0.0.0/8 -'])
    expect(rib.list(a).routes.map((r) => [r.key, r.stale, r.llgrStale])).toEqual([
      ['10.0.0.0/8', true, true],
      ['11.0.0.0/8', true, true],
    ])
    send(rib, a, announce4([p('11.0.0.0/8')]))
    expect(rib.list(a).routes.map((r) => [r.key, r.stale, r.llgrStale])).toEqual([
      ['10.0.0.0/8', true, true],
      ['11.0.0.0/8', false, false],
    ])
    expect(rib.sweepStale(a)).toBe(1)
    expect(rib.count(a)).toEqual({ paths: 1, prefixes: 1 })
  })
})

describe('Adj-RIB-In peer removal', () => {
  it('withdraws every path of the peer exactly once, in batches, and frees its sets', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    const want: string[] = []
    for (let i = 0; i < 500; i++) {
      const ids = [1, 2, 3].slice(0, 1 + (i % 3))
      send(
        rib,
        a,
        announce4(
          ids.map((id) => p(v4(i), id)),
          { med: i % 7 },
        ),
        ADD_PATH,
      )
      for (const id of ids) want.push(`ipv4-unicast ${v4(i)} ${id}`)
    }
    send(rib, a, announceMp(2, 1, [p('2001:db8::/32'), p('2001:db8:1::/48')]))
    want.push('ipv6-unicast 2001:db8::/32 -', 'ipv6-unicast 2001:db8:1::/48 -')
    send(rib, b, announce4([p(v4(1)), p(v4(2))]))
    const sets = rib.stats().attributeSets
    const batches: WithdrawalBatch[] = []
    const it = rib.withdraw(a, { batchSize: 100 })
    for (const x of it) batches.push(x)
    expect(batches.every((x) => x.nlri.length <= 102 && x.peer === a)).toBe(true)
    expect(withdrawn(batches).sort()).toEqual(want.sort())
    expect(rib.count(a)).toEqual({ paths: 0, prefixes: 0 })
    expect(rib.counts(b)).toEqual([{ family: 'ipv4-unicast', paths: 2, prefixes: 2, stale: 0 }])
    expect(rib.stats()).toMatchObject({ paths: 2, prefixes: 2, attributeSets: 1 })
    expect(sets).toBe(9)
    expect(rib.removePeer(a)).toBe(0)
  })

  it('withdraws every path exactly once when the peer is alone in its families', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const want: string[] = []
    for (let i = 0; i < 3000; i++) {
      const ids = i % 2 ? [1, 2] : [0]
      send(
        rib,
        a,
        announce4(
          ids.map((id) => p(v4(i), id)),
          { med: i % 5 },
        ),
        ADD_PATH,
      )
      for (const id of ids) want.push(`ipv4-unicast ${v4(i)} ${id}`)
    }
    send(rib, a, announceMp(2, 1, [p('2001:db8::/32')]))
    want.push('ipv6-unicast 2001:db8::/32 -')
    const batches: WithdrawalBatch[] = []
    expect(rib.removePeer(a, (x) => batches.push(x))).toBe(want.length)
    expect(batches.every((x) => x.nlri.length <= 1001)).toBe(true)
    expect(withdrawn(batches).sort()).toEqual(want.sort())
    expect(rib.stats()).toMatchObject({ paths: 0, prefixes: 0, attributeSets: 0, families: [] })
    expect(rib.exact('ipv4-unicast', v4(1))).toBeUndefined()
    send(rib, a, announce4([p(v4(1))]))
    expect(rib.count(a)).toEqual({ paths: 1, prefixes: 1 })
  })

  it('removes lazily: an iterator left early keeps the rest, removePeer finishes', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4(Array.from({ length: 50 }, (_, i) => p(v4(i)))))
    const it = rib.withdraw(a, { batchSize: 10 })
    const first = it.next()
    expect(first.done).toBe(false)
    expect((first.value as WithdrawalBatch).nlri.length).toBe(10)
    it.return?.()
    expect(rib.count(a).paths).toBe(40)
    const batches: WithdrawalBatch[] = []
    expect(rib.removePeer(a, (x) => batches.push(x))).toBe(40)
    expect(batches.map((x) => x.nlri.length)).toEqual([40])
    expect(rib.stats()).toMatchObject({ paths: 0, prefixes: 0, attributeSets: 0 })
  })

  it('withdraws one family only when asked (RFC 7606 AFI/SAFI disable)', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.0.0.0/8')]))
    send(rib, a, announceMp(2, 1, [p('2001:db8::/32')]))
    expect(withdrawn([...rib.withdraw(a, { families: ['ipv6-unicast'] })])).toEqual([
      'ipv6-unicast 2001:db8::/32 -',
    ])
    expect(rib.families()).toEqual(['ipv4-unicast'])
  })
})

describe('Adj-RIB-In under churn', () => {
  it('holds exactly what a model holds through random announcements, withdrawals, removals and compactions', () => {
    let seed = 12345
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed / 2 ** 32
    }
    const pick = (n: number) => Math.floor(next() * n)
    const rib = createRib()
    const peers = [rib.peer('a'), rib.peer('b'), rib.peer('c')]
    // model: peer -> "prefix pathId" -> med
    const model = new Map<number, Map<string, number>>(peers.map((x) => [x, new Map()]))
    const prefixes = Array.from({ length: 4000 }, (_, i) => v4(i))
    const check = () => {
      for (const peer of peers) {
        const want = [...model.get(peer)!].map(([k, med]) => `${k} ${med}`).sort()
        const got: string[] = []
        let cursor: string | undefined
        do {
          const page = rib.list(peer, { limit: 5000, ...(cursor ? { cursor } : {}) })
          for (const r of page.routes) got.push(`${r.key} ${r.pathId} ${r.attributes.attributes.med}`)
          cursor = page.cursor
        } while (cursor)
        expect(got.sort()).toEqual(want)
      }
      const paths = [...model.values()].reduce((n, m) => n + m.size, 0)
      expect(rib.stats().paths).toBe(paths)
    }
    for (let round = 0; round < 12; round++) {
      for (const peer of peers) {
        const m = model.get(peer)!
        // A burst of announcements with path ids 1..3 and a few MED values.
        for (let u = 0; u < 40; u++) {
          const med = pick(50)
          const nlri = Array.from({ length: 60 }, () => p(prefixes[pick(prefixes.length)]!, 1 + pick(3)))
          send(rib, peer, announce4(nlri, { med }), ADD_PATH)
          for (const n of nlri) m.set(`${n.prefix} ${n.pathId}`, med)
        }
        const gone = Array.from({ length: 300 }, () => p(prefixes[pick(prefixes.length)]!, 1 + pick(3)))
        send(rib, peer, withdraw4(gone), ADD_PATH)
        for (const n of gone) m.delete(`${n.prefix} ${n.pathId}`)
      }
      if (round % 4 === 3) {
        const peer = peers[pick(3)]!
        rib.removePeer(peer)
        model.get(peer)!.clear()
      }
      check()
    }
  })
})

describe('Adj-RIB-In under churn, one path per key and several', () => {
  it('holds what a model holds when single paths move in and out of shared lists, through stale marking and sweeps', () => {
    let seed = 777
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed / 2 ** 32
    }
    const pick = (n: number) => Math.floor(next() * n)
    const rib = createRib()
    // Two peers without ADD-PATH (a path each per key, kept in the key's record while alone),
    // one with path ids 0..2 (path id 0 may be kept there too).
    const plain = [rib.peer('a'), rib.peer('b')]
    const multi = rib.peer('c')
    const peers = [...plain, multi]
    // model: peer -> "prefix pathId" -> [med, stale]
    const model = new Map<number, Map<string, [number, boolean]>>(peers.map((x) => [x, new Map()]))
    const prefixes = Array.from({ length: 600 }, (_, i) => v4(i))
    const check = () => {
      for (const peer of peers) {
        const want = [...model.get(peer)!].map(([k, [med, stale]]) => `${k} ${med} ${stale}`).sort()
        const got = rib
          .list(peer, { limit: 100_000 })
          .routes.map((r) => `${r.key} ${r.pathId ?? '-'} ${r.attributes.attributes.med} ${r.stale}`)
        expect(got.sort()).toEqual(want)
      }
      expect(rib.stats().paths).toBe([...model.values()].reduce((n, m) => n + m.size, 0))
      expect(rib.stats().prefixes).toBe(
        new Set([...model.values()].flatMap((m) => [...m.keys()].map((k) => k.split(' ')[0]))).size,
      )
    }
    for (let round = 0; round < 30; round++) {
      for (const peer of peers) {
        const m = model.get(peer)!
        const addPath = peer === multi
        for (let u = 0; u < 6; u++) {
          const med = pick(20)
          const nlri = Array.from({ length: 25 }, () =>
            addPath ? p(prefixes[pick(prefixes.length)]!, pick(3)) : p(prefixes[pick(prefixes.length)]!),
          )
          send(rib, peer, announce4(nlri, { med }), addPath ? ADD_PATH : undefined)
          for (const n of nlri) m.set(`${n.prefix} ${n.pathId ?? '-'}`, [med, false])
        }
        const gone = Array.from({ length: 40 }, () =>
          addPath ? p(prefixes[pick(prefixes.length)]!, pick(3)) : p(prefixes[pick(prefixes.length)]!),
        )
        send(rib, peer, withdraw4(gone), addPath ? ADD_PATH : undefined)
        for (const n of gone) m.delete(`${n.prefix} ${n.pathId ?? '-'}`)
      }
      const peer = peers[pick(3)]!
      const m = model.get(peer)!
      if (round % 5 === 1) {
        // Graceful restart: everything stale, some of it refreshed (by the next round), the rest swept later.
        expect(rib.markStale(peer)).toBe([...m.values()].filter(([, stale]) => !stale).length)
        for (const [k, [med]] of m) m.set(k, [med, true])
      } else if (round % 5 === 3) {
        const stale = [...m].filter(([, [, s]]) => s).length
        expect(rib.sweepStale(peer)).toBe(stale)
        for (const [k, [, s]] of [...m]) if (s) m.delete(k)
      } else if (round % 10 === 9) {
        rib.removePeer(peer)
        m.clear()
      }
      check()
    }
  })
})
