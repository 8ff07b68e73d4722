// A synthetic full routing table, shaped like today's global table as a
// collector sees it from one peer:
//
//  - ≈1.0M IPv4 and ≈0.22M IPv6 prefixes (scaled by `scale`);
//  - IPv4 prefix lengths: /24 58%, /23 10%, /22 11%, /21 5%, /20 5%, /19 3.5%,
//    /18 2%, /17 1.5%, /16 2.5%, /8–/15 1.5% (no more-specifics than /24);
//  - IPv6: /48 45%, /44 8%, /40 8%, /32 13%, /36 5%, /46 3%, /47 3%, /29 4%,
//    /28 2%, /30–/31 2%, /33–/35 3%, /41–/43 4% (none longer than /48);
//  - AS paths of 2 to 8 ASNs (mode 4), 35% of ASNs 4-octet, prepending on 8% of
//    paths (the origin or first AS repeated 1–3 times), an AS_SET at the end of
//    0.2% of paths; origin IGP 92%, INCOMPLETE 7%, EGP 1%;
//  - standard communities on 55% of paths (1–6), large communities on 12% (1–3),
//    MED on 30%;
//  - one attribute set for every 3 prefixes on average: prefixes are drawn in
//    runs that share an origin and a path, as aggregated announcements do.
//
// The generator is deterministic for a given seed.

import type { AsPathSegment, Origin } from '../../collector/src/bgp/index.ts'
import { formatIPv4, formatIPv6 } from '../../collector/src/wire/ip.ts'
import { type Random, random } from './random.ts'

export interface SynthPath {
  readonly origin: Origin
  readonly asPath: readonly AsPathSegment[]
  readonly med?: number
  readonly communities: readonly string[]
  readonly largeCommunities: readonly string[]
}

export interface SynthRoute {
  readonly afi: 1 | 2
  readonly prefix: string
  /** index into the table's paths */
  readonly path: number
}

export interface SynthTable {
  readonly peerAs: number
  readonly paths: readonly SynthPath[]
  readonly routes: readonly SynthRoute[]
}

const V4_LENGTHS: readonly (readonly [number, number])[] = [
  [24, 58],
  [23, 10],
  [22, 11],
  [21, 5],
  [20, 5],
  [19, 3.5],
  [18, 2],
  [17, 1.5],
  [16, 2.5],
  [15, 0.4],
  [14, 0.4],
  [13, 0.3],
  [12, 0.2],
  [11, 0.1],
  [10, 0.05],
  [9, 0.03],
  [8, 0.02],
]
const V6_LENGTHS: readonly (readonly [number, number])[] = [
  [48, 45],
  [44, 8],
  [40, 8],
  [32, 13],
  [36, 5],
  [46, 3],
  [47, 3],
  [29, 4],
  [28, 2],
  [30, 1],
  [31, 1],
  [33, 1],
  [34, 1],
  [35, 1],
  [41, 1.5],
  [42, 1.5],
  [43, 1],
]

function asn(rnd: Random): number {
  return rnd.next() < 0.35 ? rnd.int(131072, 401308) : rnd.int(1, 64495)
}

function makePath(rnd: Random, peerAs: number): SynthPath {
  const hops = rnd.weighted([
    [2, 10],
    [3, 25],
    [4, 30],
    [5, 18],
    [6, 10],
    [7, 5],
    [8, 2],
  ] as const)
  const asns = [peerAs]
  while (asns.length < hops) asns.push(asn(rnd))
  if (rnd.next() < 0.08) {
    const at = rnd.next() < 0.5 ? asns.length - 1 : 0
    const times = rnd.int(1, 3)
    asns.splice(at, 0, ...new Array<number>(times).fill(asns[at]!))
  }
  const asPath: AsPathSegment[] = [{ type: 'AS_SEQUENCE', asns }]
  if (rnd.next() < 0.002) asPath.push({ type: 'AS_SET', asns: [asn(rnd), asn(rnd)].sort((a, b) => a - b) })
  const communities: string[] = []
  if (rnd.next() < 0.55) {
    const n = rnd.int(1, 6)
    for (let i = 0; i < n; i++)
      communities.push(`${rnd.pick([peerAs & 0xffff, 65535 & asn(rnd), 0])}:${rnd.int(1, 65000)}`)
  }
  const largeCommunities: string[] = []
  if (rnd.next() < 0.12) {
    const n = rnd.int(1, 3)
    for (let i = 0; i < n; i++) largeCommunities.push(`${peerAs}:${rnd.int(1, 1000)}:${rnd.int(1, 100000)}`)
  }
  const origin = rnd.weighted([
    ['igp', 92],
    ['incomplete', 7],
    ['egp', 1],
  ] as const) as Origin
  const med = rnd.next() < 0.3 ? rnd.int(0, 5000) : undefined
  return { origin, asPath, ...(med !== undefined ? { med } : {}), communities, largeCommunities }
}

function v4Prefix(rnd: Random, len: number, used: Set<number>): string {
  for (;;) {
    // Skip 0/8, 10/8, 127/8 and 224/3, as a cleaned table would.
    const first = rnd.int(1, 223)
    if (first === 10 || first === 127) continue
    const addr = ((first << 24) | rnd.int(0, 0xffffff)) >>> 0
    const masked = len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0
    const key = masked * 64 + len
    if (used.has(key)) continue
    used.add(key)
    const b = new Uint8Array([masked >>> 24, (masked >>> 16) & 0xff, (masked >>> 8) & 0xff, masked & 0xff])
    return `${formatIPv4(b)}/${len}`
  }
}

function v6Prefix(rnd: Random, len: number, used: Set<string>): string {
  for (;;) {
    const b = new Uint8Array(16)
    b[0] = 0x20
    b[1] = rnd.pick([0x01, 0x02, 0x03, 0x04, 0x06, 0x0a, 0x0c])
    for (let i = 2; i < 8; i++) b[i] = rnd.int(0, 255)
    for (let bit = len; bit < 128; bit++) b[bit >> 3]! &= ~(0x80 >> (bit & 7))
    const text = `${formatIPv6(b)}/${len}`
    if (used.has(text)) continue
    used.add(text)
    return text
  }
}

export function synthTable(
  options: { seed?: number; ipv4?: number; ipv6?: number; peerAs?: number } = {},
): SynthTable {
  const rnd = random(options.seed ?? 1)
  const peerAs = options.peerAs ?? 64500
  const ipv4 = options.ipv4 ?? 1_000_000
  const ipv6 = options.ipv6 ?? 220_000
  const paths: SynthPath[] = []
  const routes: SynthRoute[] = []
  const usedV4 = new Set<number>()
  const usedV6 = new Set<string>()
  const fill = (afi: 1 | 2, count: number) => {
    let made = 0
    while (made < count) {
      const path = paths.length
      paths.push(makePath(rnd, peerAs))
      // Runs of 1..5 prefixes share a path: one attribute set per ~3 prefixes.
      const run = Math.min(count - made, rnd.int(1, 5))
      for (let i = 0; i < run; i++) {
        const len = rnd.weighted(afi === 1 ? V4_LENGTHS : V6_LENGTHS)
        routes.push({
          afi,
          prefix: afi === 1 ? v4Prefix(rnd, len, usedV4) : v6Prefix(rnd, len, usedV6),
          path,
        })
      }
      made += run
    }
  }
  fill(1, ipv4)
  fill(2, ipv6)
  return { peerAs, paths, routes }
}
