import { describe, expect, it } from 'vitest'
import {
  attributeListSize,
  decodeMessage,
  encodeAttributeList,
  encodeMessage,
  type UpdateMessage,
  updateRoutes,
} from '../bgp/index.ts'
import { formatIPv6, parsePrefix } from '../wire/ip.ts'
import { writer } from '../wire/writer.ts'
import { createRib, type RibEntry } from './index.ts'
import { ADD_PATH, announce4, announceMp, attributes, CTX, CTX2, p, send, withdraw4 } from './test-updates.ts'

/** An entry reduced to what the tests compare: key and (peer, path id, next hop) per route. */
function brief(e: RibEntry | undefined) {
  return e && { key: e.key, routes: e.routes.map((r) => [r.peer, r.pathId, r.attributes.nextHop[0]]) }
}

function keys(it: Iterable<RibEntry>): string[] {
  return [...it].map((e) => e.key)
}

describe('Adj-RIB-In paths', () => {
  it('adds, replaces and withdraws paths per peer and path id', () => {
    const rib = createRib()
    const a = rib.peer('192.0.2.1')
    const b = rib.peer('192.0.2.2')
    expect(
      send(rib, a, announce4([p('10.0.0.0/8', 1), p('10.0.0.0/8', 2)], { nextHop: ['192.0.2.1'] }), ADD_PATH),
    ).toEqual({
      added: 2,
      replaced: 0,
      withdrawn: 0,
      unknown: 0,
    })
    send(rib, b, announce4([p('10.0.0.0/8')], { nextHop: ['192.0.2.2'] }))
    expect(brief(rib.exact('ipv4-unicast', '10.0.0.0/8'))).toEqual({
      key: '10.0.0.0/8',
      routes: [
        [a, 1, '192.0.2.1'],
        [a, 2, '192.0.2.1'],
        [b, undefined, '192.0.2.2'],
      ],
    })
    // An implicit withdraw replaces path 1 only.
    expect(send(rib, a, announce4([p('10.0.0.0/8', 1)], { nextHop: ['192.0.2.9'] }), ADD_PATH)).toEqual({
      added: 0,
      replaced: 1,
      withdrawn: 0,
      unknown: 0,
    })
    expect(brief(rib.exact('ipv4-unicast', '10.0.0.0/8'))?.routes).toEqual([
      [a, 1, '192.0.2.9'],
      [a, 2, '192.0.2.1'],
      [b, undefined, '192.0.2.2'],
    ])
    expect(
      send(rib, a, withdraw4([p('10.0.0.0/8', 2), p('10.0.0.0/8', 3), p('11.0.0.0/8', 1)]), ADD_PATH),
    ).toEqual({
      added: 0,
      replaced: 0,
      withdrawn: 1,
      unknown: 2,
    })
    expect(rib.count(a)).toEqual({ paths: 1, prefixes: 1 })
    send(rib, a, withdraw4([p('10.0.0.0/8', 1)]), ADD_PATH)
    send(rib, b, withdraw4([p('10.0.0.0/8')]))
    expect(rib.exact('ipv4-unicast', '10.0.0.0/8')).toBeUndefined()
    expect(rib.stats()).toMatchObject({ paths: 0, prefixes: 0, attributeSets: 0, attributeBytes: 0 })
  })

  it('mixes paths with and without path ids at one prefix', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    const c = rib.peer('c')
    send(rib, b, announce4([p('10.0.0.0/8')], { nextHop: ['192.0.2.2'] }))
    send(rib, c, announce4([p('10.0.0.0/8', 0)], { nextHop: ['192.0.2.3'] }), ADD_PATH)
    // The first non-zero path id at a prefix widens its list.
    send(rib, a, announce4([p('10.0.0.0/8', 7), p('10.0.0.0/8', 5)], { nextHop: ['192.0.2.1'] }), ADD_PATH)
    send(rib, c, announce4([p('10.0.0.0/8', 9)], { nextHop: ['192.0.2.4'] }), ADD_PATH)
    const routes = rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes
    expect(routes.map((r) => [r.peer, r.pathId, r.nlri, r.attributes.nextHop[0]])).toEqual([
      [a, 5, { prefix: '10.0.0.0/8', pathId: 5 }, '192.0.2.1'],
      [a, 7, { prefix: '10.0.0.0/8', pathId: 7 }, '192.0.2.1'],
      [b, undefined, { prefix: '10.0.0.0/8' }, '192.0.2.2'],
      [c, 0, { prefix: '10.0.0.0/8', pathId: 0 }, '192.0.2.3'],
      [c, 9, { prefix: '10.0.0.0/8', pathId: 9 }, '192.0.2.4'],
    ])
    expect(send(rib, b, withdraw4([p('10.0.0.0/8')])).withdrawn).toBe(1)
    expect(send(rib, c, withdraw4([p('10.0.0.0/8', 0)]), ADD_PATH).withdrawn).toBe(1)
    expect(rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes.map((r) => [r.peer, r.pathId])).toEqual([
      [a, 5],
      [a, 7],
      [c, 9],
    ])
    expect(rib.counts(c)).toEqual([{ family: 'ipv4-unicast', paths: 1, prefixes: 1, stale: 0 }])
  })

  it('processes withdrawals before announcements in one UPDATE (RFC 4271 §4.3)', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, { ...announce4([p('192.0.2.0/24')]), withdrawn: [p('192.0.2.0/24')] })
    expect(rib.count(a)).toEqual({ paths: 1, prefixes: 1 })
  })

  it('keys prefixes by their masked form, whatever host bits were sent', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.1.2.3/8')]))
    expect(brief(rib.exact('ipv4-unicast', '10.0.0.0/8'))?.key).toBe('10.0.0.0/8')
    expect(rib.list(a).routes.map((r) => r.nlri)).toEqual([{ prefix: '10.0.0.0/8' }])
    send(rib, a, withdraw4([p('10.0.0.0/8')]))
    expect(rib.count(a)).toEqual({ paths: 0, prefixes: 0 })
  })

  it('interns attribute sets by their bytes and frees each with its last path', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    const spec = { asPath: [64500, 64501], communities: ['64500:1'], nextHop: ['192.0.2.1'] }
    send(rib, a, announce4([p('10.0.0.0/24'), p('10.0.1.0/24')], spec))
    send(rib, b, announce4([p('10.0.2.0/24')], spec))
    send(rib, b, announce4([p('10.0.3.0/24')], { ...spec, nextHop: ['192.0.2.2'] }))
    send(rib, b, announce4([p('10.0.4.0/24')], spec), CTX2)
    const ids = (prefix: string) => rib.exact('ipv4-unicast', prefix)!.routes[0]!.attributes.id
    const shared = ids('10.0.0.0/24')
    expect([ids('10.0.1.0/24'), ids('10.0.2.0/24')]).toEqual([shared, shared])
    // Another next hop, or another AS number size, is another set.
    expect(ids('10.0.3.0/24')).not.toBe(shared)
    expect(ids('10.0.4.0/24')).not.toBe(shared)
    expect(ids('10.0.4.0/24')).not.toBe(ids('10.0.3.0/24'))
    expect(rib.stats().attributeSets).toBe(3)
    send(rib, a, withdraw4([p('10.0.0.0/24'), p('10.0.1.0/24')]))
    expect(rib.attributeSet(shared)?.id).toBe(shared)
    send(rib, b, withdraw4([p('10.0.2.0/24')]))
    expect(rib.attributeSet(shared)).toBeUndefined()
    expect(rib.stats().attributeSets).toBe(2)
    // A replaced path lets go of its old set.
    send(rib, b, announce4([p('10.0.3.0/24')], spec))
    send(rib, b, announce4([p('10.0.4.0/24')], spec))
    expect(rib.stats().attributeSets).toBe(1)
  })

  it('keeps the attribute section without MP_REACH_NLRI, the family next hop and the decoded view', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const spec = {
      asPath: [64500, 4200000000],
      communities: ['65535:666'],
      med: 7,
      nextHop: ['2001:db8::1', 'fe80::1'],
    }
    const m = announceMp(2, 1, [p('2001:db8::/32')], spec)
    send(rib, a, m)
    const set = rib.exact('ipv6-unicast', '2001:db8::/32')!.routes[0]!.attributes
    const others = attributes(spec)
    const want = new Uint8Array(attributeListSize(others, CTX))
    encodeAttributeList(writer(want), others, CTX)
    expect(set.raw).toEqual(want)
    expect(set.nextHop).toEqual(['2001:db8::1', 'fe80::1'])
    expect(set.nextHopRaw.length).toBe(32)
    expect(set.asn4).toBe(true)
    const raw = encodeMessage(m, CTX)
    const decoded = decodeMessage(raw, CTX)
    expect(set.attributes).toEqual(updateRoutes(decoded.message as UpdateMessage, [], CTX).attributes)
    expect(rib.attributeSet(set.id)?.attributes).toEqual(set.attributes)
  })

  it('lets a query result read its set until the set is released', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.0.0.0/8')], { med: 1 }))
    send(rib, a, announce4([p('11.0.0.0/8')], { med: 2 }))
    const kept = rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes[0]!.attributes
    const read = rib.exact('ipv4-unicast', '11.0.0.0/8')!.routes[0]!.attributes
    expect(read.attributes.med).toBe(2)
    // Another set goes: this one is still good.
    send(rib, a, withdraw4([p('11.0.0.0/8')]))
    expect(kept.attributes.med).toBe(1)
    expect(read.raw.length).toBeGreaterThan(0)
    const gone = rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes[0]!.attributes
    send(rib, a, withdraw4([p('10.0.0.0/8')]))
    expect(() => gone.raw).toThrow(RangeError)
    expect(kept.nextHop).toEqual(['192.0.2.1'])
  })

  it('decodes a 2-octet AS session set with its own AS number size', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.0.0.0/8')], { asPath: [64500, 23456] }), CTX2)
    const set = rib.exact('ipv4-unicast', '10.0.0.0/8')!.routes[0]!.attributes
    expect(set.asn4).toBe(false)
    expect(set.attributes.asPath).toEqual([{ type: 'AS_SEQUENCE', asns: [64500, 23456] }])
  })

  it('copies what it keeps: the received buffer can be reused at once', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const m = announce4([p('198.51.100.0/24')], { communities: ['64500:7'] })
    const raw = encodeMessage(m, CTX)
    const socket = new Uint8Array(raw.length + 100)
    socket.set(raw, 50)
    const view = socket.subarray(50, 50 + raw.length)
    const r = decodeMessage(view, CTX)
    rib.apply(a, updateRoutes(r.message as UpdateMessage, r.problems, CTX), view, CTX)
    const before = rib.exact('ipv4-unicast', '198.51.100.0/24')!.routes[0]!.attributes.raw.slice()
    socket.fill(0)
    const set = rib.exact('ipv4-unicast', '198.51.100.0/24')!.routes[0]!.attributes
    expect(set.raw).toEqual(before)
    expect(set.attributes.communities).toEqual(['64500:7'])
  })

  it('refuses an NLRI that is not of its family shape, keeping nothing of it', () => {
    const rib = createRib()
    const a = rib.peer('a')
    const raw = encodeMessage(announce4([p('10.0.0.0/8')]), CTX)
    const r = decodeMessage(raw, CTX)
    const routes = updateRoutes(r.message as UpdateMessage, r.problems, CTX)
    const bad = { ...routes, announce: [{ ...routes.announce[0]!, nlri: [{ raw: '0a' }] }] }
    expect(() => rib.apply(a, bad, raw, CTX)).toThrow(RangeError)
    expect(rib.stats()).toMatchObject({ paths: 0, attributeSets: 0 })
    expect(() => rib.apply(a, routes, Uint8Array.of(1, 2, 3), CTX)).toThrow(RangeError)
  })

  it('applies treat-as-withdraw views as withdrawals', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.0.0.0/8')]))
    const raw = encodeMessage(announce4([p('10.0.0.0/8')]), CTX)
    const r = decodeMessage(raw, CTX)
    const problems = [
      { kind: 'NOTIFY.UPDATE.MALFORMED_AS_PATH', action: 'treat-as-withdraw', offset: 0, reason: 'test' },
    ] as const
    const routes = updateRoutes(r.message as UpdateMessage, problems, CTX)
    expect(rib.apply(a, routes, raw, CTX)).toEqual({ added: 0, replaced: 0, withdrawn: 1, unknown: 0 })
  })
})

describe('Adj-RIB-In lookups', () => {
  const v4 = [
    '0.0.0.0/0',
    '10.0.0.0/8',
    '10.1.0.0/16',
    '10.1.2.0/24',
    '10.1.2.3/32',
    '10.2.0.0/16',
    '11.0.0.0/8',
    '255.255.255.255/32',
  ]
  const v6 = ['::/0', '2001:db8::/32', '2001:db8:1::/48', '2001:db8:1::1/128', '2001:db8:2::/48', '2a00::/12']

  function loaded() {
    const rib = createRib()
    const a = rib.peer('a')
    const b = rib.peer('b')
    send(rib, a, announce4(v4.map((x) => p(x))))
    send(rib, b, announce4([p('10.1.0.0/16'), p('10.1.2.3/32')], { nextHop: ['192.0.2.2'] }))
    send(
      rib,
      a,
      announceMp(
        2,
        1,
        v6.map((x) => p(x)),
      ),
    )
    return { rib, a, b }
  }

  it('finds exact prefixes, /0 and host routes included', () => {
    const { rib, a, b } = loaded()
    expect(brief(rib.exact('ipv4-unicast', '0.0.0.0/0'))).toEqual({
      key: '0.0.0.0/0',
      routes: [[a, undefined, '192.0.2.1']],
    })
    expect(brief(rib.exact('ipv4-unicast', '10.1.2.3/32'))?.routes).toEqual([
      [a, undefined, '192.0.2.1'],
      [b, undefined, '192.0.2.2'],
    ])
    expect(rib.exact('ipv4-unicast', '10.1.2.0/23')).toBeUndefined()
    expect(rib.exact('ipv4-unicast', '10.1.2.7/24')?.key).toBe('10.1.2.0/24')
    expect(rib.exact('ipv6-unicast', '::/0')?.key).toBe('::/0')
    expect(rib.exact('ipv6-unicast', '2001:db8:1::1/128')?.key).toBe('2001:db8:1::1/128')
    expect(rib.exact('ipv6-unicast', '2001:db8::/33')).toBeUndefined()
    expect(rib.exact('ipv4-multicast', '10.0.0.0/8')).toBeUndefined()
  })

  it('finds the longest match of addresses and prefixes', () => {
    const { rib } = loaded()
    const longest = (f: string, q: string) => rib.longest(f, q)?.key
    expect(longest('ipv4-unicast', '10.1.2.3')).toBe('10.1.2.3/32')
    expect(longest('ipv4-unicast', '10.1.2.4')).toBe('10.1.2.0/24')
    expect(longest('ipv4-unicast', '10.1.3.0')).toBe('10.1.0.0/16')
    expect(longest('ipv4-unicast', '10.200.0.0/16')).toBe('10.0.0.0/8')
    expect(longest('ipv4-unicast', '10.1.0.0/16')).toBe('10.1.0.0/16')
    expect(longest('ipv4-unicast', '12.0.0.1')).toBe('0.0.0.0/0')
    expect(longest('ipv4-unicast', '255.255.255.255')).toBe('255.255.255.255/32')
    expect(longest('ipv6-unicast', '2001:db8:1::1')).toBe('2001:db8:1::1/128')
    expect(longest('ipv6-unicast', '2001:db8:1::2')).toBe('2001:db8:1::/48')
    expect(longest('ipv6-unicast', '2001:db8:ffff::/48')).toBe('2001:db8::/32')
    expect(longest('ipv6-unicast', '2a0f::1')).toBe('2a00::/12')
    expect(longest('ipv6-unicast', '3000::')).toBe('::/0')
  })

  it('lists more-specifics in address order and less-specifics shortest first', () => {
    const { rib } = loaded()
    expect(keys(rib.moreSpecifics('ipv4-unicast', '10.0.0.0/8'))).toEqual([
      '10.0.0.0/8',
      '10.1.0.0/16',
      '10.1.2.0/24',
      '10.1.2.3/32',
      '10.2.0.0/16',
    ])
    expect(keys(rib.moreSpecifics('ipv4-unicast', '10.0.0.0/8', { includeSelf: false }))).toEqual([
      '10.1.0.0/16',
      '10.1.2.0/24',
      '10.1.2.3/32',
      '10.2.0.0/16',
    ])
    expect(keys(rib.moreSpecifics('ipv4-unicast', '0.0.0.0/0'))).toEqual(v4)
    expect(keys(rib.moreSpecifics('ipv4-unicast', '10.1.2.3/32'))).toEqual(['10.1.2.3/32'])
    expect(keys(rib.moreSpecifics('ipv4-unicast', '12.0.0.0/8'))).toEqual([])
    expect(keys(rib.lessSpecifics('ipv4-unicast', '10.1.2.3/32'))).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '10.1.0.0/16',
      '10.1.2.0/24',
      '10.1.2.3/32',
    ])
    expect(keys(rib.lessSpecifics('ipv4-unicast', '10.1.2.0/24', { includeSelf: false }))).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '10.1.0.0/16',
    ])
    expect(keys(rib.moreSpecifics('ipv6-unicast', '2001:db8::/32'))).toEqual([
      '2001:db8::/32',
      '2001:db8:1::/48',
      '2001:db8:1::1/128',
      '2001:db8:2::/48',
    ])
    expect(keys(rib.lessSpecifics('ipv6-unicast', '2001:db8:1::1/128'))).toEqual([
      '::/0',
      '2001:db8::/32',
      '2001:db8:1::/48',
      '2001:db8:1::1/128',
    ])
    expect(keys(rib.entries('ipv6-unicast'))).toEqual([
      '::/0',
      '2001:db8::/32',
      '2001:db8:1::/48',
      '2001:db8:1::1/128',
      '2001:db8:2::/48',
      '2a00::/12',
    ])
  })

  it('refuses what is not a prefix of the family', () => {
    const { rib } = loaded()
    expect(() => rib.exact('ipv4-unicast', '2001:db8::/32')).toThrow(RangeError)
    expect(() => rib.exact('ipv4-unicast', '10.0.0.0/33')).toThrow(RangeError)
    expect(() => rib.exact('ipv4-unicast', '10.0.0.0')).toThrow(RangeError)
    expect(() => rib.longest('ipv6-unicast', '2001:db8:::1')).toThrow(RangeError)
    expect(() => rib.exact('no-such-family', '10.0.0.0/8')).toThrow(RangeError)
    expect(() => rib.exact('l2vpn-evpn', '10.0.0.0/8')).toThrow(RangeError)
  })

  it('answers like a brute-force search on random tables from several peers', () => {
    for (const v6fam of [false, true]) {
      let seed = v6fam ? 99 : 7
      const next = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        return seed / 2 ** 32
      }
      const rib = createRib()
      const peers = [rib.peer('a'), rib.peer('b'), rib.peer('c')]
      const bits = v6fam ? 128 : 32
      const held = new Map<string, Set<number>>()
      const text = (v: bigint, len: number) => {
        const masked = len === 0 ? 0n : (v >> BigInt(bits - len)) << BigInt(bits - len)
        if (!v6fam) return `${[24n, 16n, 8n, 0n].map((s) => (masked >> s) & 255n).join('.')}/${len}`
        const bytes = Uint8Array.from(
          [...Array(16)].map((_, i) => Number((masked >> BigInt(120 - 8 * i)) & 255n)),
        )
        return `${formatIPv6(bytes)}/${len}`
      }
      const rand = () => {
        let v = 0n
        for (let i = 0; i < bits / 16; i++) v = (v << 16n) | BigInt(Math.floor(next() * 3) * 0x1111)
        return v
      }
      const parse = (k: string) => {
        const pp = parsePrefix(k)!
        let v = 0n
        for (const o of pp.address) v = (v << 8n) | BigInt(o)
        return { v, len: pp.length }
      }
      for (let i = 0; i < 600; i++) {
        const t = text(rand(), Math.floor(next() * (bits + 1)))
        const peer = peers[Math.floor(next() * 3)]!
        const m = v6fam ? announceMp(2, 1, [p(t)]) : announce4([p(t)])
        send(rib, peer, m)
        const canonical = rib.exact(v6fam ? 'ipv6-unicast' : 'ipv4-unicast', t)!.key
        if (!held.has(canonical)) held.set(canonical, new Set())
        held.get(canonical)!.add(peer)
      }
      const family = v6fam ? 'ipv6-unicast' : 'ipv4-unicast'
      const all = [...held.keys()].map((k) => ({ k, ...parse(k) }))
      const cover = (a: { v: bigint; len: number }, b: { v: bigint; len: number }) =>
        a.len <= b.len && (a.len === 0 || a.v >> BigInt(bits - a.len) === b.v >> BigInt(bits - a.len))
      const ordered = (list: typeof all) =>
        list.sort((x, y) => (x.v < y.v ? -1 : x.v > y.v ? 1 : x.len - y.len)).map((x) => x.k)
      for (let i = 0; i < 200; i++) {
        const qt = text(rand(), Math.floor(next() * (bits + 1)))
        const q = parse(qt)
        const canonicalQ = parse(text(q.v, q.len))
        expect(keys(rib.moreSpecifics(family, qt))).toEqual(ordered(all.filter((x) => cover(canonicalQ, x))))
        const less = ordered(all.filter((x) => cover(x, canonicalQ)))
        expect(keys(rib.lessSpecifics(family, qt))).toEqual(less)
        expect(rib.longest(family, qt)?.key).toEqual(less[less.length - 1])
        const e = rib.exact(family, qt)
        expect(e?.routes.map((r) => r.peer)).toEqual(
          held.has(text(q.v, q.len)) ? [...held.get(text(q.v, q.len))!].sort() : undefined,
        )
      }
    }
  })
})

describe('Adj-RIB-In per peer', () => {
  it('counts paths and prefixes per peer and family', () => {
    const rib = createRib()
    const a = rib.peer('a')
    send(rib, a, announce4([p('10.0.0.0/8', 1), p('10.0.0.0/8', 2), p('11.0.0.0/8', 1)]), ADD_PATH)
    send(rib, a, announceMp(2, 1, [p('2001:db8::/32')]))
    expect(rib.counts(a)).toEqual([
      { family: 'ipv4-unicast', paths: 3, prefixes: 2, stale: 0 },
      { family: 'ipv6-unicast', paths: 1, prefixes: 1, stale: 0 },
    ])
    expect(rib.count(a, 'ipv4-unicast')).toEqual({ paths: 3, prefixes: 2 })
    expect(rib.count(a)).toEqual({ paths: 4, prefixes: 3 })
    expect(rib.families()).toEqual(['ipv4-unicast', 'ipv6-unicast'])
    expect(rib.stats()).toMatchObject({
      peers: 1,
      paths: 4,
      prefixes: 3,
      families: [
        { family: 'ipv4-unicast', paths: 3, prefixes: 2 },
        { family: 'ipv6-unicast', paths: 1, prefixes: 1 },
      ],
    })
  })

  it('registers and forgets peers', () => {
    const rib = createRib()
    const a = rib.peer('192.0.2.1')
    expect(rib.peer('192.0.2.1')).toBe(a)
    expect(rib.peerName(a)).toBe('192.0.2.1')
    send(rib, a, announce4([p('10.0.0.0/8')]))
    expect(() => rib.forgetPeer(a)).toThrow(RangeError)
    rib.removePeer(a)
    rib.forgetPeer(a)
    expect(rib.peers()).toEqual([])
    expect(() => rib.count(a)).toThrow(RangeError)
  })
})
