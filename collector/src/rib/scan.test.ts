// Rib.scan, the exporters' walk: what it reads in place must be what the
// query API says (keys in order, every path with its peer, path id, set
// octets and NLRI), in runs that stop where the visitor says, and across
// runs with the RIB changing in between a key held throughout is visited
// exactly once. After a bulk load, prepare() spreads the ordering work.

import { describe, expect, it } from 'vitest'
import { familyByName, type Nlri, type VpnNlri } from '../bgp/index.ts'
import { formatPrefix } from '../wire/ip.ts'
import { formatRD } from '../wire/rd.ts'
import { createRib, type PeerId, type Rib, type RibScan, setAsn4, setAttributesStart } from './index.ts'
import { ADD_PATH, announce4, announceMp, p, seeded, send, withdraw4 } from './test-updates.ts'

/** What a scan reads of the key it is at, as text. */
function read(s: RibScan): { key: string; paths: string[] } {
  const width = s.afi === 2 ? 16 : 4
  const key =
    s.safi === 128
      ? `${formatRD(s.rd, 0)} ${formatPrefix(s.address, 0, s.prefixLength, width)}`
      : plainIp(s.afi, s.safi) || s.safi === 4
        ? formatPrefix(s.address, 0, s.prefixLength, width)
        : s.keyText
  const paths: string[] = []
  for (let i = 0; i < s.paths; i++) {
    const set = s.set(i)
    const attrs = Buffer.from(set.subarray(setAttributesStart(set))).toString('hex')
    const nh = Buffer.from(set.subarray(2, setAttributesStart(set))).toString('hex')
    const nlri = s.nlri(i) ? JSON.stringify(s.nlri(i)) : ''
    paths.push(`${s.peer(i)} #${s.pathId(i) ?? '-'} ${s.setId(i)} ${setAsn4(set)} ${nh} ${attrs} ${nlri}`)
  }
  return { key, paths }
}

/** The same from the query API. */
function expected(rib: Rib, family: string, peer?: PeerId): { key: string; paths: string[] }[] {
  const out: { key: string; paths: string[] }[] = []
  for (const e of rib.entries(family)) {
    if (peer !== undefined && !e.routes.some((r) => r.peer === peer)) continue
    out.push({
      key: e.key,
      paths: e.routes.map((r) => {
        const a = r.attributes
        const nlri = plainIp(...splitFamily(family)) ? '' : JSON.stringify(r.nlri)
        return `${r.peer} #${r.pathId ?? '-'} ${a.id} ${a.asn4} ${Buffer.from(a.nextHopRaw).toString('hex')} ${Buffer.from(a.raw).toString('hex')} ${nlri}`
      }),
    })
  }
  return out
}

function splitFamily(family: string): [number, number] {
  const key = familyByName(family)!
  return [key >> 8, key & 0xff]
}

/** IP unicast and multicast: the RIB keeps no NLRI object for them. */
function plainIp(afi: number, safi: number): boolean {
  return (afi === 1 || afi === 2) && (safi === 1 || safi === 2)
}

function scanAll(rib: Rib, family: string, peer?: PeerId, perRun = Number.POSITIVE_INFINITY) {
  const out: { key: string; paths: string[] }[] = []
  const scan = rib.scan(family, peer)
  let n = 0
  let runs = 0
  do runs++
  while (
    !scan.run((s) => {
      out.push(read(s))
      return ++n % perRun !== 0
    })
  )
  return { out, runs }
}

function vpn(rd: string, prefix: string, label = 100): VpnNlri {
  return { labels: [label], rd, prefix }
}

function imet(rd: string, originator: string): Nlri {
  return { routeType: 3, rd, ethernetTag: 0, originator } as Nlri
}

describe('Rib.scan', () => {
  const rib = createRib()
  const a = rib.peer('a')
  const b = rib.peer('b')
  const c = rib.peer('c')
  send(rib, a, announce4([p('10.0.0.0/8'), p('192.0.2.0/24'), p('10.1.0.0/16')], { asPath: [64500, 1] }))
  send(rib, b, announce4([p('10.1.0.0/16'), p('198.51.100.0/24')], { asPath: [64501, 2], med: 5 }))
  send(rib, c, announce4([p('10.1.0.0/16', 1), p('10.1.0.0/16', 2)], { asPath: [64502] }), ADD_PATH)
  send(rib, a, announceMp(2, 1, [p('2001:db8::/32'), p('2001:db8:1::/48')]))
  send(rib, b, announceMp(1, 128, [vpn('65000:1', '10.0.0.0/8'), vpn('65000:2', '10.0.0.0/8', 200)]))
  send(rib, c, announceMp(25, 70, [imet('192.0.2.1:100', '192.0.2.2'), imet('192.0.2.1:100', '192.0.2.1')]))

  for (const family of ['ipv4-unicast', 'ipv6-unicast', 'ipv4-vpn', 'l2vpn-evpn']) {
    it(`reads ${family} as the query API does, key by key in key order`, () => {
      const want = expected(rib, family)
      expect(want.length).toBeGreaterThan(0)
      expect(scanAll(rib, family).out).toEqual(want)
      // Stopped after every key, it goes on where it stopped.
      const one = scanAll(rib, family, undefined, 1)
      expect(one.out).toEqual(want)
      expect(one.runs).toBe(want.length + 1)
    })
  }

  it('with a peer visits the keys where that peer has paths', () => {
    for (const peer of [a, b, c])
      expect(scanAll(rib, 'ipv4-unicast', peer).out).toEqual(expected(rib, 'ipv4-unicast', peer))
    // A family the peer has nothing in: done at once.
    expect(rib.scan('ipv6-unicast', b).done).toBe(true)
    expect(rib.scan('ipv4-multicast').run(() => true)).toBe(true)
  })

  it('visits a key held throughout a walk exactly once while the RIB changes between runs', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = seeded(seed)
      const r = createRib()
      const peers = [r.peer('x'), r.peer('y')]
      const pool = Array.from({ length: 400 }, () => {
        const len = rnd.int(8, 28)
        // Host bits cleared, so that the text is the key.
        const bytes = rnd.bytes(4)
        for (let bit = len; bit < 32; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7))
        return formatPrefix(bytes, 0, len, 4)
      })
      for (const prefix of pool) if (rnd.next() < 0.6) send(r, rnd.pick(peers), announce4([p(prefix)]))
      const before = new Set(expected(r, 'ipv4-unicast').map((e) => e.key))
      const touched = new Set<string>()
      const seen: string[] = []
      const scan = r.scan('ipv4-unicast')
      let n = 0
      while (
        !scan.run((s) => {
          seen.push(read(s).key)
          return ++n % 7 !== 0
        })
      ) {
        // Changes between runs: some keys go, some come, some are announced again.
        for (let k = 0; k < 5; k++) {
          const prefix = rnd.pick(pool)
          const peer = rnd.pick(peers)
          touched.add(prefix)
          if (rnd.next() < 0.5) send(r, peer, withdraw4([p(prefix)]))
          else send(r, peer, announce4([p(prefix)], { asPath: [64500, k] }))
        }
      }
      // In order, no key twice, and every key held throughout (never touched) is there.
      const sorted = [...seen].sort((x, y) => compareKeys(x, y))
      expect(seen).toEqual(sorted)
      expect(new Set(seen).size).toBe(seen.length)
      for (const key of before) if (!touched.has(key)) expect(seen).toContain(key)
    }
  })

  it('after a bulk load, prepare spreads the ordering over steps while the RIB changes, then walks in order', () => {
    const { r, x, held } = bulkLoaded()
    const scan = r.scan('ipv4-unicast')
    let steps = 0
    const rnd = seeded(7)
    while (!scan.prepare(0)) {
      steps++
      // Between steps: withdrawals and new keys.
      const i = rnd.int(0, 79_999)
      const gone = `${10 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}.0/24`
      send(r, x, withdraw4([p(gone)]))
      held.delete(gone)
      const added = `172.${16 + (steps >> 8)}.${steps & 0xff}.0/24`
      send(r, x, announce4([p(added)]))
      held.add(added)
    }
    expect(steps).toBeGreaterThan(3)
    const seen = scanAll(r, 'ipv4-unicast').out.map((e) => e.key)
    expect(seen).toEqual([...held].sort(compareKeys))
  })

  it('prepareWalks does that work as upkeep once keys stop arriving in numbers', () => {
    const { r, x } = bulkLoaded()
    // Keys arrived since the last call (the transfer): no work yet.
    expect(r.prepareWalks(1000)).toBe(false)
    expect(r.scan('ipv4-unicast').prepare(0)).toBe(false)
    let calls = 1
    while (!r.prepareWalks(0)) calls++
    expect(calls).toBeGreaterThan(2)
    expect(r.scan('ipv4-unicast').prepare(0)).toBe(true)
    // Another transfer: thousands of new keys between two calls.
    for (let i = 0; i < 2000; i += 500)
      send(
        r,
        x,
        announce4(Array.from({ length: 500 }, (_, k) => p(`172.16.${(i + k) >> 8}.${(i + k) & 0xff}/32`))),
      )
    expect(r.prepareWalks(1000)).toBe(false)
    expect(r.prepareWalks(1000)).toBe(true)
  })
})

/** A RIB after a transfer of more than a batch of new keys (2^16): the index let its order go. */
function bulkLoaded(): { r: Rib; x: PeerId; held: Set<string> } {
  const r = createRib()
  const x = r.peer('x')
  const held = new Set<string>()
  for (let i = 0; i < 80_000; i += 250) {
    const nlri = Array.from({ length: 250 }, (_, k) =>
      p(`${10 + ((i + k) >> 16)}.${((i + k) >> 8) & 0xff}.${(i + k) & 0xff}.0/24`),
    )
    send(r, x, announce4(nlri))
    for (const n of nlri) held.add(n.prefix)
  }
  return { r, x, held }
}

function compareKeys(x: string, y: string): number {
  const [ax, lx] = x.split('/')
  const [ay, ly] = y.split('/')
  const nx = ax!.split('.').reduce((v, o) => v * 256 + Number(o), 0)
  const ny = ay!.split('.').reduce((v, o) => v * 256 + Number(o), 0)
  return nx - ny || Number(lx) - Number(ly)
}
