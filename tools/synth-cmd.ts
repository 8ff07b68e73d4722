// `routelake synth`: a synthetic full table as an MRT TABLE_DUMP_V2 file, for
// benchmarks and for loading other tools (bgpdump reads it; GoBGP's `gobgp mrt
// inject global` reads it with the default full MP_REACH_NLRI form).
//
// The table comes from tools/synth/table.ts: ≈1.0M IPv4 + ≈0.22M IPv6
// prefixes by default, prefix lengths, AS path lengths, 4-octet ASNs,
// prepending, AS_SETs, communities, large communities and MEDs distributed as
// today's global table (see that file's header). With --peers N every prefix
// is in the table of N peers (AS 64500+k, address 10.0.x.y / 2001:db8::x):
// peer 0 sends the generated path, peer k puts its own AS in front instead of
// 64500 and prepends it k mod 3 more times, so that the peers' entries
// differ as real peers' do. Records are in prefix order (IPv4, then IPv6),
// one RIB entry per peer, as RIPE RIS and RouteViews dumps are.

import { parseArgs } from 'node:util'
import {
  attributeListSize,
  codecContext,
  encodeAttributeList,
  encodeMessage,
  type IpPrefixNlri,
  type PathAttribute,
} from '../collector/src/bgp/index.ts'
import { MrtRibWriter, MrtUpdatesWriter, mrtSession, type RibPeer } from '../collector/src/mrt/index.ts'
import { parseIP, parsePrefix } from '../collector/src/wire/ip.ts'
import { writer } from '../collector/src/wire/writer.ts'
import type { Command } from './cli.ts'
import { type SynthPath, type SynthTable, synthTable } from './synth/table.ts'
import { synthUpdates } from './synth/updates.ts'

const HELP = `usage: routelake synth --out FILE[.gz] [options]

Writes a synthetic full routing table as an MRT TABLE_DUMP_V2 file (gzip
when FILE ends in .gz).

options:
  --ipv4 N            IPv4 prefixes (default 1000000)
  --ipv6 N            IPv6 prefixes (default 220000)
  --peers N           peers in the PEER_INDEX_TABLE, each with every prefix (default 1)
  --seed N            generator seed (default 1)
  --mp-reach FORM     full (default: AFI, SAFI, next hop, NLRI; what GoBGP reads)
                      or abbreviated (next hop only, RFC 6396 §4.3.4)
  --add-path          give every entry a path id (RIB_*_ADDPATH, RFC 8050)
  --timestamp SECS    the dump's time (default 1700000000)
  --updates           write the table as an updates file instead (BGP4MP_ET
                      MESSAGE_AS4 from each peer, then withdrawals of every
                      tenth prefix)
`

export interface SynthRibOptions {
  readonly ipv4?: number
  readonly ipv6?: number
  readonly peers?: number
  readonly seed?: number
  readonly mpReach?: 'full' | 'abbreviated'
  readonly addPath?: boolean
  readonly timestamp?: number
}

export function synthPeers(n: number): RibPeer[] {
  return Array.from({ length: n }, (_, k) => ({
    address: `10.0.${(k + 1) >> 8}.${(k + 1) & 0xff}`,
    asn: 64500 + k,
    bgpId: `10.0.${(k + 1) >> 8}.${(k + 1) & 0xff}`,
  }))
}

const CTX = codecContext({ asn4: true })

function attributes(p: SynthPath, peer: number, nextHop: string | undefined): Uint8Array {
  const [first, ...rest] = p.asPath
  let asPath = p.asPath
  if (peer > 0 && first) {
    const own = 64500 + peer
    const asns = [...new Array<number>(1 + (peer % 3)).fill(own), ...first.asns.slice(1)]
    asPath = [{ type: first.type, asns }, ...rest]
  }
  const list: PathAttribute[] = [
    { code: 1, flags: 0x40, name: 'ORIGIN', value: p.origin },
    { code: 2, flags: 0x40, name: 'AS_PATH', value: asPath },
  ]
  if (nextHop) list.push({ code: 3, flags: 0x40, name: 'NEXT_HOP', value: nextHop })
  if (p.med !== undefined) list.push({ code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: p.med })
  if (p.communities.length) list.push({ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: p.communities })
  if (p.largeCommunities.length)
    list.push({ code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: p.largeCommunities })
  const out = new Uint8Array(attributeListSize(list, CTX))
  encodeAttributeList(writer(out), list, CTX)
  return out
}

/** Route indices in prefix order: IPv4 before IPv6, by address, then length. */
function sortedRoutes(t: SynthTable): number[] {
  const keyHi = new Float64Array(t.routes.length)
  const keyLo = new Float64Array(t.routes.length)
  t.routes.forEach((r, i) => {
    const p = parsePrefix(r.prefix)!
    const a = p.address
    if (r.afi === 1) {
      keyHi[i] = (a[0]! * 0x1000000 + ((a[1]! << 16) | (a[2]! << 8) | a[3]!)) * 256 + p.length
      keyLo[i] = 0
    } else {
      keyHi[i] = 2 ** 52 + (a[0]! * 0x1000000 + ((a[1]! << 16) | (a[2]! << 8) | a[3]!))
      keyLo[i] = (((a[4]! << 8) | a[5]!) * 65536 + ((a[6]! << 8) | a[7]!)) * 256 + p.length
    }
  })
  const order = Array.from({ length: t.routes.length }, (_, i) => i)
  order.sort((x, y) => keyHi[x]! - keyHi[y]! || keyLo[x]! - keyLo[y]!)
  return order
}

/** Writes the synthetic table through a RIB writer; returns the prefix and entry counts. */
export async function writeSynthRib(
  dest: string,
  options: SynthRibOptions = {},
): Promise<{ prefixes: number; ipv4: number; ipv6: number; entries: number; peers: number }> {
  const peers = synthPeers(options.peers ?? 1)
  const table = synthTable({
    seed: options.seed ?? 1,
    ipv4: options.ipv4 ?? 1_000_000,
    ipv6: options.ipv6 ?? 220_000,
  })
  const timestamp = options.timestamp ?? 1_700_000_000
  const w = new MrtRibWriter(dest, {
    timestamp,
    collectorBgpId: '192.0.2.255',
    viewName: '',
    peers,
    mpReach: options.mpReach ?? 'full',
  })
  const v6NextHops = peers.map((_, k) => parseIP(`2001:db8::${(k + 1).toString(16)}`)!)
  // Attribute octets of peer 0 are shared by every prefix of a path; other peers' are made per use.
  const shared = new Map<number, Uint8Array>()
  let ipv4 = 0
  let ipv6 = 0
  let entries = 0
  for (const i of sortedRoutes(table)) {
    const r = table.routes[i]!
    const path = table.paths[r.path]!
    const list = peers.map((peer, k) => {
      let attrs: Uint8Array | undefined
      const key = r.path * 2 + (r.afi === 1 ? 0 : 1)
      if (k === 0) attrs = shared.get(key)
      if (!attrs) {
        attrs = attributes(path, k, r.afi === 1 ? peer.address : undefined)
        if (k === 0) shared.set(key, attrs)
      }
      return {
        peerIndex: k,
        originatedTime: timestamp - 3600 - ((r.path * 7 + k * 13) % 86400),
        ...(options.addPath ? { pathId: k + 1 } : {}),
        attributes: attrs,
        ...(r.afi === 2 ? { nextHop: v6NextHops[k]! } : {}),
      }
    })
    entries += list.length
    if (r.afi === 1) ipv4++
    else ipv6++
    if (!w.add({ afi: r.afi, safi: 1, prefix: r.prefix, entries: list })) await w.drain()
  }
  await w.close()
  return { prefixes: ipv4 + ipv6, ipv4, ipv6, entries, peers: peers.length }
}

export interface SynthUpdatesResult {
  readonly records: number
  readonly announced: number
  readonly withdrawn: number
  readonly peers: number
}

/**
 * The synthetic table as an updates file (BGP4MP_ET): each peer comes up
 * (STATE_CHANGE_AS4 to Established) and sends the whole table as UPDATEs
 * (tools/synth/updates.ts, ≈3 prefixes per UPDATE), interleaved with the
 * other peers; then withdraws every tenth prefix, 200 per UPDATE. Records
 * are 37 µs apart.
 */
export async function writeSynthUpdates(
  dest: string,
  options: SynthRibOptions = {},
): Promise<SynthUpdatesResult> {
  const peers = synthPeers(options.peers ?? 1)
  const table = synthTable({
    seed: options.seed ?? 1,
    ipv4: options.ipv4 ?? 1_000_000,
    ipv6: options.ipv6 ?? 220_000,
  })
  const stream = synthUpdates(table, { addPath: options.addPath ?? false })
  const sessions = peers.map((p) =>
    mrtSession({ peerAddress: p.address, peerAs: p.asn, localAddress: '10.255.255.254', localAs: 65000 }),
  )
  const w = new MrtUpdatesWriter(dest, { gzip: dest.endsWith('.gz') })
  let t = (options.timestamp ?? 1_700_000_000) * 1e6
  let records = 0
  const step = async (ok: boolean) => {
    records++
    t += 37
    if (!ok) await w.drain()
  }
  for (const s of sessions) await step(w.stateChange(s, t, 5, 6))
  const addPath = options.addPath ?? false
  for (const m of stream.messages) {
    for (const s of sessions) await step(w.message(s, t, m, { addPath }))
  }
  // Withdrawals: every tenth prefix, in UPDATEs of 200.
  const ctx = stream.ctx
  const v4: IpPrefixNlri[] = []
  const v6: IpPrefixNlri[] = []
  table.routes.forEach((r, i) => {
    if (i % 10 === 0)
      (r.afi === 1 ? v4 : v6).push({ prefix: r.prefix, ...(addPath ? { pathId: 1 + (i % 4) } : {}) })
  })
  let withdrawn = 0
  for (let i = 0; i < v4.length; i += 200) {
    const m = encodeMessage(
      { type: 'UPDATE', withdrawn: v4.slice(i, i + 200), attributes: [], nlri: [] },
      ctx,
    )
    for (const s of sessions) await step(w.message(s, t, m, { addPath }))
  }
  for (let i = 0; i < v6.length; i += 200) {
    const nlri = v6.slice(i, i + 200)
    const m = encodeMessage(
      {
        type: 'UPDATE',
        withdrawn: [],
        attributes: [
          {
            code: 15,
            flags: 0x90,
            name: 'MP_UNREACH_NLRI',
            value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri },
          },
        ],
        nlri: [],
      },
      ctx,
    )
    for (const s of sessions) await step(w.message(s, t, m, { addPath }))
  }
  withdrawn = (v4.length + v6.length) * sessions.length
  await w.close()
  const announced = (stream.prefixes.ipv4 + stream.prefixes.ipv6) * sessions.length
  return { records, announced, withdrawn, peers: sessions.length }
}

export const command: Command = {
  summary: 'write a synthetic full table as MRT TABLE_DUMP_V2',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        out: { type: 'string', short: 'o' },
        ipv4: { type: 'string', default: '1000000' },
        ipv6: { type: 'string', default: '220000' },
        peers: { type: 'string', default: '1' },
        seed: { type: 'string', default: '1' },
        'mp-reach': { type: 'string', default: 'full' },
        'add-path': { type: 'boolean' },
        timestamp: { type: 'string', default: '1700000000' },
        updates: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help) {
      console.log(HELP)
      return 0
    }
    const mpReach = values['mp-reach']
    const numbers = [values.ipv4, values.ipv6, values.peers, values.seed, values.timestamp].map(Number)
    if (
      !values.out ||
      (mpReach !== 'full' && mpReach !== 'abbreviated') ||
      numbers.some((n) => !Number.isInteger(n) || n < 0)
    ) {
      console.error(HELP)
      return 2
    }
    const [ipv4, ipv6, peers, seed, timestamp] = numbers as [number, number, number, number, number]
    if (peers < 1 || peers > 65535) {
      console.error('routelake synth: --peers must be 1..65535')
      return 2
    }
    if (values.updates) {
      const u = await writeSynthUpdates(values.out, {
        ipv4,
        ipv6,
        peers,
        seed,
        timestamp,
        addPath: values['add-path'] ?? false,
      })
      console.error(
        `routelake synth: ${values.out}: ${u.records} BGP4MP_ET records from ${u.peers} peer(s), ${u.announced} prefixes announced, ${u.withdrawn} withdrawn`,
      )
      return 0
    }
    const r = await writeSynthRib(values.out, {
      ipv4,
      ipv6,
      peers,
      seed,
      timestamp,
      mpReach,
      addPath: values['add-path'] ?? false,
    })
    console.error(
      `routelake synth: ${values.out}: ${r.prefixes} prefixes (${r.ipv4} IPv4, ${r.ipv6} IPv6), ${r.peers} peer(s), ${r.entries} RIB entries`,
    )
    return 0
  },
}
