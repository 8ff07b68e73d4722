// The RIB dump's walk: with a pause after every few entries and the RIB
// changed during each pause, every path held throughout is written exactly
// once, no key twice, keys in RIB order (address, then length; VPN by RD
// first); without changes the dump is the RIB, path for path.

import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  codecContext,
  decodeMessage,
  encodeMessage,
  familyCodec,
  type IpPrefixNlri,
  type PathAttribute,
  type UpdateMessage,
  updateRoutes,
  type VpnNlri,
} from '../../bgp/index.ts'
import { MrtOutput, type RibRecord, readMrt, ribPrefixText } from '../../mrt/index.ts'
import { createRib, type PeerId, type Rib } from '../../rib/index.ts'
import { formatIPv4, formatIPv6, maskPrefix, parsePrefix } from '../../wire/ip.ts'
import { parseRD } from '../../wire/rd.ts'
import { reader } from '../../wire/reader.ts'
import { dumpRib, type RibDumpOptions } from './rib-dump.ts'

const CTX = codecContext()
const ADD_PATH = codecContext({ addPath: { has: () => true } })

function attrs(asn: number): PathAttribute[] {
  return [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
    { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [asn] }] },
  ]
}

function apply(rib: Rib, peer: PeerId, m: UpdateMessage, ctx = CTX): void {
  const raw = encodeMessage(m, ctx)
  const d = decodeMessage(raw, ctx)
  rib.apply(peer, updateRoutes(d.message as UpdateMessage, d.problems, ctx), raw, ctx)
}

function announce(
  rib: Rib,
  peer: PeerId,
  asn: number,
  family: 'v4' | 'v6' | 'vpn',
  nlri: object[],
  ctx = CTX,
): void {
  if (family === 'v4') {
    apply(
      rib,
      peer,
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [...attrs(asn), { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' }],
        nlri: nlri as IpPrefixNlri[],
      },
      ctx,
    )
    return
  }
  const [afi, safi, name, nh] =
    family === 'v6' ? [2, 1, 'ipv6-unicast', '2001:db8::1'] : [1, 128, 'ipv4-vpn', '192.0.2.1']
  apply(
    rib,
    peer,
    {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        {
          code: 14,
          flags: 0x80,
          name: 'MP_REACH_NLRI',
          value: { afi, safi, family: name, nextHop: [nh], nlri },
        },
        ...attrs(asn),
      ] as PathAttribute[],
      nlri: [],
    },
    ctx,
  )
}

function withdraw4(rib: Rib, peer: PeerId, prefix: string): void {
  apply(rib, peer, { type: 'UPDATE', withdrawn: [{ prefix }], attributes: [], nlri: [] })
}

/** A deterministic mix of nested prefixes. */
function prefixes(v6: boolean, n: number, seed: number): string[] {
  // xorshift32: every bit of every draw varies.
  let x = seed
  const rnd = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
  const text = (b: Uint8Array, len: number) => {
    const m = maskPrefix(b, len)
    return `${v6 ? formatIPv6(m) : formatIPv4(m)}/${len}`
  }
  const out = new Set<string>([v6 ? '::/0' : '0.0.0.0/0'])
  while (out.size < n) {
    const len = v6 ? 16 + (rnd() % 33) : 8 + (rnd() % 17)
    const b = new Uint8Array(v6 ? 16 : 4)
    for (let i = 0; i < b.length; i++) b[i] = rnd() & 0xff
    if (v6) b[0] = 0x20
    out.add(text(b, len))
    // A nested neighbour: the same address one bit shorter.
    out.add(text(b, len - 1))
  }
  return [...out]
}

/** RIB order within a family: masked address octets, then length (RD first for VPN). */
function orderKey(family: string, key: string): string {
  const [rd, prefix] = family.endsWith('vpn') ? key.split(' ') : [undefined, key]
  const p = parsePrefix(prefix!)!
  const rdHex = rd ? Buffer.from(parseRD(rd)!).toString('hex') : ''
  return `${rdHex}${Buffer.from(p.address).toString('hex')}${p.length.toString(16).padStart(2, '0')}`
}

interface Written {
  readonly family: string
  readonly key: string
  readonly peers: string[]
}

async function run(rib: Rib, options: Partial<RibDumpOptions> = {}): Promise<Written[]> {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c)
      cb()
    },
  })
  const out = new MrtOutput(sink, { gzip: false })
  await dumpRib(out, {
    rib,
    timestamp: 1_700_000_000,
    collectorBgpId: '192.0.2.254',
    peerInfo: (a) => ({ asn: 64500 + Number(a.split('.').pop()) }),
    pause: async () => {},
    ...options,
  })
  await out.close()
  const written: Written[] = []
  let names: string[] = []
  for await (const r of readMrt(new Uint8Array(Buffer.concat(chunks)))) {
    const b = r.body!
    if (b.kind === 'PEER_INDEX_TABLE') names = b.table.peers.map((p) => p.address)
    if (b.kind !== 'RIB') continue
    const rec: RibRecord = b.rib
    const family = rec.safi === 128 ? 'ipv4-vpn' : rec.afi === 2 ? 'ipv6-unicast' : 'ipv4-unicast'
    let key: string
    if (rec.generic) {
      const n = familyCodec(rec.afi, rec.safi).decode(reader(rec.nlri), undefined, false) as VpnNlri
      key = `${n.rd} ${n.prefix}`
    } else key = ribPrefixText(rec.nlri, rec.afi)
    written.push({
      family,
      key,
      peers: rec.entries.map((e) => `${names[e.peerIndex]}${e.pathId !== undefined ? `#${e.pathId}` : ''}`),
    })
  }
  return written
}

function build(): { rib: Rib; peers: PeerId[]; v4: string[]; v6: string[]; vpn: VpnNlri[] } {
  const rib = createRib()
  const peers = ['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((a) => rib.peer(a))
  rib.peer('192.0.2.9') // registered, never a route: left out of the index
  const v4 = prefixes(false, 3000, 7)
  const v6 = prefixes(true, 600, 11)
  const vpn: VpnNlri[] = []
  for (let i = 0; i < 300; i++)
    vpn.push({ rd: `6500${i % 3}:${i % 5}`, prefix: `10.${i % 7}.${i % 256}.0/24`, labels: [100 + i] })
  peers.forEach((p, k) => {
    const mine4 = v4.filter((_, i) => i % 3 !== k)
    for (let i = 0; i < mine4.length; i += 50)
      announce(
        rib,
        p,
        64501 + k,
        'v4',
        mine4.slice(i, i + 50).map((prefix) => ({ prefix })),
      )
    const mine6 = v6.filter((_, i) => i % 2 === k % 2)
    for (let i = 0; i < mine6.length; i += 50)
      announce(
        rib,
        p,
        64501 + k,
        'v6',
        mine6.slice(i, i + 50).map((prefix) => ({ prefix })),
      )
    if (k < 2)
      for (let i = 0; i < vpn.length; i += 30) announce(rib, p, 64501 + k, 'vpn', vpn.slice(i, i + 30))
  })
  return { rib, peers, v4, v6, vpn }
}

describe('RIB dump', () => {
  it('without changes: every key once, every path, in RIB order, only peers with routes', async () => {
    const { rib } = build()
    const written = await run(rib)
    const expected: Written[] = []
    for (const family of rib.families()) {
      for (const e of rib.entries(family))
        expected.push({ family, key: e.key, peers: e.routes.map((r) => rib.peerName(r.peer)!) })
    }
    expect(written.map((w) => `${w.family} ${w.key} ${w.peers.join(',')}`).sort()).toEqual(
      expected.map((w) => `${w.family} ${w.key} ${w.peers.join(',')}`).sort(),
    )
    const order = written.map((w) => `${w.family}|${orderKey(w.family, w.key)}`)
    expect(order).toEqual([...order].sort())
    expect(new Set(written.flatMap((w) => w.peers))).toEqual(new Set(['192.0.2.1', '192.0.2.2', '192.0.2.3']))
  })

  it('with the RIB changing at every pause: paths held throughout once each, no key twice, still in order', async () => {
    const { rib, peers, v4 } = build()
    const before = new Map<string, string[]>()
    for (const family of rib.families())
      for (const e of rib.entries(family))
        before.set(
          `${family} ${e.key}`,
          e.routes.map((r) => rib.peerName(r.peer)!),
        )
    // Every pause withdraws one prefix (from the "volatile" tenth) and adds a new one.
    const volatile = v4.filter((_, i) => i % 10 === 5)
    let pauses = 0
    const written = await run(rib, {
      sliceMs: 0,
      pause: async () => {
        const k = pauses++
        const w = volatile[k % volatile.length]!
        for (const p of peers)
          if (rib.exact('ipv4-unicast', w)?.routes.some((r) => r.peer === p)) withdraw4(rib, p, w)
        announce(rib, peers[k % 3]!, 64599, 'v4', [{ prefix: `172.${16 + (k % 16)}.${k % 256}.0/24` }])
        await new Promise((r) => setImmediate(r))
      },
    })
    expect(pauses).toBeGreaterThan(100)
    const keys = written.map((w) => `${w.family} ${w.key}`)
    expect(keys.length).toBe(new Set(keys).size)
    const order = written.map((w) => `${w.family}|${orderKey(w.family, w.key)}`)
    expect(order).toEqual([...order].sort())
    const got = new Map(written.map((w) => [`${w.family} ${w.key}`, w.peers]))
    const vol = new Set(volatile.map((p) => `ipv4-unicast ${p}`))
    const missing = [...before].filter(
      ([k, peersOf]) => !vol.has(k) && JSON.stringify(got.get(k)) !== JSON.stringify(peersOf),
    )
    expect(missing).toEqual([])
  })

  it('writes path ids in the ADDPATH subtypes', async () => {
    const rib = createRib()
    const a = rib.peer('192.0.2.1')
    announce(
      rib,
      a,
      64501,
      'v4',
      [
        { prefix: '198.51.100.0/24', pathId: 1 },
        { prefix: '198.51.100.0/24', pathId: 2 },
      ],
      ADD_PATH,
    )
    expect(await run(rib)).toEqual([
      { family: 'ipv4-unicast', key: '198.51.100.0/24', peers: ['192.0.2.1#1', '192.0.2.1#2'] },
    ])
  })
})
