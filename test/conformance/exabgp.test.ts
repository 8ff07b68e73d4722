// Conformance with ExaBGP's own test vectors (shared testdata
// bgp/exabgp-decoding/*.txt and bgp/exabgp-encoding/*.ci): every raw message
// decodes without problems and re-encodes to the same octets, and what it
// says matches ExaBGP's JSON decode (or, for vectors without one, the API
// command ExaBGP encoded it from). Families of the next codec issue (FlowSpec,
// EVPN, BGP-LS, VPLS, MVPN, SR Policy, MUP) are checked by their own suites;
// here their messages must decode and round-trip.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type BgpMessage,
  type CodecContext,
  codecContext,
  decodeMessage,
  encodeExtendedCommunity,
  encodeMessage,
  familyByName,
  familyKey,
  flattenPath,
  openCapabilities,
  parseCommunity,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import { fromHex, toHex } from '../../collector/src/wire/hex.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { CORE_FAMILIES } from './meaning.ts'

const testdata = requireTestdata('conformance: ExaBGP vectors')

/** ExaBGP's family names ("ipv4 mpls-vpn") as ours. */
const EXABGP_FAMILY: Record<string, string> = {
  'ipv4 unicast': 'ipv4-unicast',
  'ipv6 unicast': 'ipv6-unicast',
  'ipv4 multicast': 'ipv4-multicast',
  'ipv6 multicast': 'ipv6-multicast',
  'ipv4 nlri-mpls': 'ipv4-labeled',
  'ipv6 nlri-mpls': 'ipv6-labeled',
  'ipv4 mpls-vpn': 'ipv4-vpn',
  'ipv6 mpls-vpn': 'ipv6-vpn',
}

function isCoreFamily(name: string): boolean {
  const key = familyByName(name)
  return key !== undefined && CORE_FAMILIES.has(key)
}

interface UpdateFacts {
  origin?: string
  asPath?: string
  med?: number
  localPref?: number
  communities?: string[]
  large?: string[]
  extended?: string[]
  aggregator?: string
  atomicAggregate?: boolean
  announce: Record<string, string[]>
  withdraw: Record<string, string[]>
}

function nlriText(n: Record<string, unknown>): string {
  const parts = [n.prefix as string]
  if (typeof n.rd === 'string') parts.push(`rd ${n.rd}`)
  if (Array.isArray(n.labels)) parts.push(`label ${(n.labels as number[]).join(',')}`)
  if (n.pathId !== undefined) parts.push(`path ${n.pathId}`)
  return parts.join(' ')
}

function ipv4Dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

function ourFacts(u: UpdateMessage, ctx: CodecContext): UpdateFacts {
  const routes = updateRoutes(u, [], ctx)
  const a = routes.attributes
  const facts: UpdateFacts = { announce: {}, withdraw: {} }
  const origin = u.attributes.find((x) => x.name === 'ORIGIN')
  if (origin) facts.origin = a.origin
  if (u.attributes.some((x) => x.name === 'AS_PATH') && a.asPath.length) {
    facts.asPath = JSON.stringify(flattenPath(a.asPath))
  }
  if (a.med !== undefined) facts.med = a.med
  if (a.localPref !== undefined) facts.localPref = a.localPref
  if (a.communities.length)
    facts.communities = a.communities.map((c) => {
      const v = parseCommunity(c)!
      return `${Math.floor(v / 65536)}:${v & 0xffff}`
    })
  if (a.largeCommunities.length) facts.large = [...a.largeCommunities]
  if (a.extendedCommunities.length) {
    facts.extended = a.extendedCommunities.map((e) => {
      const b = encodeExtendedCommunity(e)
      return BigInt(`0x${toHex(b)}`).toString()
    })
  }
  if (a.aggregator) facts.aggregator = `${a.aggregator.asn}:${a.aggregator.address}`
  if (a.atomicAggregate) facts.atomicAggregate = true
  for (const ann of routes.announce) {
    if (!isCoreFamily(ann.family)) continue
    for (const nh of ann.nextHop.slice(0, 1)) {
      const k = `${ann.family} ${nh}`
      facts.announce[k] = [
        ...(facts.announce[k] ?? []),
        ...ann.nlri.map((n) => nlriText(n as Record<string, unknown>)),
      ]
    }
  }
  for (const w of routes.withdraw) {
    if (!isCoreFamily(w.family)) continue
    facts.withdraw[w.family] = [
      ...(facts.withdraw[w.family] ?? []),
      ...w.nlri.map((n) => nlriText(n as Record<string, unknown>)),
    ]
  }
  return facts
}

type Json = Record<string, unknown>

/** ExaBGP's path-information is a dotted quad of the 32-bit path id. */
function pathIdOf(text: string): number {
  return text.split('.').reduce((n, o) => n * 256 + Number(o), 0)
}

function exaNlri(n: Json): string {
  const parts = [n.nlri as string]
  if (typeof n.rd === 'string') parts.push(`rd ${n.rd}`)
  if (Array.isArray(n.label)) parts.push(`label ${(n.label as number[][]).map((l) => l[0]).join(',')}`)
  if (typeof n['path-information'] === 'string') parts.push(`path ${pathIdOf(n['path-information'])}`)
  return parts.join(' ')
}

function exabgpFacts(update: Json): UpdateFacts {
  const attr = (update.attribute ?? {}) as Json
  const facts: UpdateFacts = { announce: {}, withdraw: {} }
  if (attr.origin) facts.origin = attr.origin as string
  if (Array.isArray(attr['as-path']) && (attr['as-path'] as unknown[]).length) {
    facts.asPath = JSON.stringify(attr['as-path'])
  }
  if (attr.med !== undefined) facts.med = attr.med as number
  if (attr['local-preference'] !== undefined) facts.localPref = attr['local-preference'] as number
  if (attr.community) facts.communities = (attr.community as number[][]).map(([x, y]) => `${x}:${y}`)
  if (attr['large-community']) facts.large = (attr['large-community'] as number[][]).map((l) => l.join(':'))
  if (attr['extended-community']) {
    facts.extended = (attr['extended-community'] as Json[]).map((e) => BigInt(e.value as number).toString())
  }
  if (attr.aggregator) facts.aggregator = attr.aggregator as string
  if (attr['atomic-aggregate']) facts.atomicAggregate = true
  for (const [fam, byNh] of Object.entries(
    (update.announce ?? {}) as Record<string, Record<string, Json[]>>,
  )) {
    const name = EXABGP_FAMILY[fam]
    if (!name) continue
    for (const [nh, list] of Object.entries(byNh)) facts.announce[`${name} ${nh}`] = list.map(exaNlri)
  }
  for (const [fam, list] of Object.entries((update.withdraw ?? {}) as Record<string, Json[]>)) {
    const name = EXABGP_FAMILY[fam]
    if (name) facts.withdraw[name] = list.map(exaNlri)
  }
  return facts
}

/** The facts of an ExaBGP API command (`announce route … next-hop … origin …`). */
function commandFacts(
  cmd: string,
): Partial<UpdateFacts> & { prefixes: string[]; nextHop?: string; family?: string } {
  const words = cmd.trim().split(/\s+/)
  const out: Partial<UpdateFacts> & { prefixes: string[]; nextHop?: string; family?: string } = {
    prefixes: [],
  }
  const list = (i: number): string[] => {
    if (words[i]?.startsWith('[')) {
      const items: string[] = []
      for (let j = i; j < words.length; j++) {
        items.push(words[j]!.replace(/[[\]]/g, ''))
        if (words[j]!.endsWith(']')) break
      }
      return items.filter(Boolean)
    }
    return [words[i]!]
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (w === 'route' || (w === 'unicast' && words[i - 1]?.startsWith('ipv')))
      out.prefixes.push(words[i + 1]!)
    else if (w === 'nlri') out.prefixes.push(...words.slice(i + 1))
    else if (w === 'next-hop') out.nextHop = words[i + 1]
    else if (w === 'origin') out.origin = words[i + 1]
    else if (w === 'local-preference') out.localPref = Number(words[i + 1])
    else if (w === 'med') out.med = Number(words[i + 1])
    else if (w === 'as-path') out.asPath = JSON.stringify(list(i + 1).map(Number))
    else if (w === 'community') out.communities = list(i + 1)
    else if (w === 'large-community') out.large = list(i + 1)
    else if (w === 'atomic-aggregate') out.atomicAggregate = true
    else if (w === 'aggregator') out.aggregator = words[i + 1]
  }
  return out
}

/** Commands about the core families; FlowSpec, VPLS, MVPN, MUP… are their suites' business. */
function isCoreCommand(cmd: string): boolean {
  return !/\b(flow|vpls|l2vpn|mcast-vpn|mup|evpn|bgp-ls|sr-policy)\b/.test(cmd)
}

interface Vector {
  readonly file: string
  readonly line: number
  readonly hex: string
  readonly json?: Json
  readonly commands: string[]
  readonly ctx: CodecContext
}

const ADD_PATH_FILES = new Set(['conf-addpath.ci', 'conf-path-information.ci'])

function encodingVectors(dir: string): Vector[] {
  const out: Vector[] = []
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ci'))
    .sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n')
    // ADD-PATH was configured for these sessions (their conf files).
    const ctx = ADD_PATH_FILES.has(file)
      ? codecContext({ addPath: new Set([familyKey(1, 1), familyKey(1, 128)]) })
      : file === 'conf-no-asn4.ci'
        ? codecContext({ asn4: false })
        : codecContext()
    let commands: string[] = []
    lines.forEach((l, i) => {
      const m = /^(\d+):(cmd|raw|json):(.*)$/.exec(l)
      if (!m) return
      if (m[2] === 'cmd') commands.push(m[3]!)
      if (m[2] === 'raw') {
        const next = /^\d+:json:(.*)$/.exec(lines[i + 1] ?? '')
        out.push({
          file,
          line: i + 1,
          hex: m[3]!,
          json: next ? JSON.parse(next[1]!) : undefined,
          commands,
          ctx,
        })
        commands = []
      }
    })
  }
  return out
}

function decodingVectors(dir: string): Vector[] {
  // "nlri" vectors hold a bare NLRI, not a message: the family suites use them.
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt') && !readFileSync(join(dir, f), 'utf8').startsWith('nlri'))
    .sort()
    .map((file) => {
      const [, hex, json] = readFileSync(join(dir, file), 'utf8').split('\n')
      return { file, line: 2, hex: hex!.trim(), json: JSON.parse(json!), commands: [], ctx: codecContext() }
    })
}

function decodeOk(v: Vector): BgpMessage {
  const bytes = fromHex(v.hex)!
  const full =
    bytes[0] === 0xff
      ? bytes
      : fromHex(
          `${'ff'.repeat(16)}${toHex(new Uint8Array([(bytes.length + 19) >> 8, (bytes.length + 19) & 255, 2]))}${v.hex}`,
        )!
  const r = decodeMessage(full, v.ctx)
  expect(r.problems, `${v.file}:${v.line}`).toEqual([])
  expect(toHex(encodeMessage(r.message!, v.ctx)), `${v.file}:${v.line} round trip`).toBe(toHex(full))
  return r.message!
}

describe.runIf(testdata)('ExaBGP vectors', () => {
  const enc = testdata ? encodingVectors(join(testdata, 'bgp/exabgp-encoding')) : []
  const dec = testdata ? decodingVectors(join(testdata, 'bgp/exabgp-decoding')) : []

  it('finds the vectors', () => {
    expect(enc.length).toBeGreaterThanOrEqual(60)
    expect(dec.length).toBe(12)
  })

  for (const v of [...enc, ...dec]) {
    it(`${v.file}:${v.line}`, () => {
      const m = decodeOk(v)
      const message =
        (v.json as { message?: Json } | undefined)?.message ?? (v.json as { open?: Json } | undefined)
      if (m.type === 'UPDATE' && message && 'update' in message) {
        expect(ourFacts(m, v.ctx)).toEqual(exabgpFacts(message.update as Json))
      } else if (m.type === 'UPDATE' && v.commands.length && v.commands.every(isCoreCommand)) {
        const facts = ourFacts(m, v.ctx)
        for (const cmd of v.commands) {
          const want = commandFacts(cmd)
          if (cmd.startsWith('announce eor')) {
            expect(m.endOfRib).toBe(EXABGP_FAMILY[cmd.split(/\s+/).slice(2, 4).join(' ')])
            continue
          }
          const announced = Object.entries(facts.announce)
          const prefixes = announced.flatMap(([, l]) => l.map((n) => n.split(' ')[0]))
          for (const p of want.prefixes) expect(prefixes).toContain(p)
          if (want.nextHop) expect(announced.map(([k]) => k.split(' ')[1])).toContain(want.nextHop)
          for (const k of [
            'origin',
            'localPref',
            'med',
            'asPath',
            'communities',
            'large',
            'atomicAggregate',
            'aggregator',
          ] as const) {
            if (want[k] !== undefined) expect(facts[k], `${cmd}: ${k}`).toEqual(want[k])
          }
        }
      } else if (m.type === 'OPEN' && v.json && 'open' in v.json) {
        const o = v.json.open as Json
        const caps = o.capabilities as Record<string, Json>
        expect({ version: m.version, asn: m.asn, holdTime: m.holdTime, bgpId: m.bgpId }).toEqual({
          version: o.version,
          asn: o.asn,
          holdTime: o.hold_time,
          bgpId: o.router_id,
        })
        const ours = openCapabilities(m)
        expect(ours.map((c) => String(c.code))).toEqual(Object.keys(caps))
        for (const c of ours) {
          if (c.name === 'FOUR_OCTET_AS') expect(c.value.asn).toBe(caps['65']!.asn4)
          if (c.name === 'SOFTWARE_VERSION') expect(c.value.version).toBe(caps['75']!.software)
          if (c.name === 'MULTIPROTOCOL')
            expect(caps['1']!.families).toContain(`${c.value.family.replace('-', '/')}`)
        }
      }
    })
  }

  it('decodes ExaBGP aggregator and 2-octet AS vectors as their commands say', () => {
    const agg = enc.find((v) => v.file === 'conf-aggregator.ci')!
    const m = decodeOk(agg) as UpdateMessage
    expect(ourFacts(m, agg.ctx).aggregator).toBe('18144:219.118.225.189')
    expect(ipv4Dotted(0xdb76e1bd)).toBe('219.118.225.189')
  })
})
