// Conformance of BGP-LS (RFC 9552, RFC 9085) with ExaBGP's decoding vectors
// in the shared testdata (bgp/exabgp-decoding/bgp-ls-*.txt: line 1 the kind,
// line 2 the hex, line 3 ExaBGP's JSON). Every vector decodes without
// problems, re-encodes to the same octets, and means what ExaBGP says it
// means: NLRI type, Protocol-ID, Identifier, node and link descriptors, and
// the BGP-LS attribute's values (metrics, bandwidths, SIDs and their flags),
// compared as whole objects after writing ours in ExaBGP's vocabulary (the
// mapping below is the only translation; nothing is dropped on either side).
//
// Then the RFC 7606 actions of RFC 9552 §8.2.2 on the same messages with one
// field broken: a malformed TLV inside the attribute is attribute-discard
// (the NLRI stay announced); a malformed NLRI disables the family.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type BgpLsAttributeTlv,
  type BgpLsDescriptorTlv,
  type BgpLsNlri,
  codecContext,
  decodeMessage,
  encodeMessage,
  familyCodec,
  type PathAttribute,
  type UpdateMessage,
  updateRoutes,
} from '../../collector/src/bgp/index.ts'
import { fromHex, toHex } from '../../collector/src/wire/hex.ts'
import { reader } from '../../collector/src/wire/reader.ts'
import { encodeWith } from '../../collector/src/wire/writer.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'

const testdata = requireTestdata('conformance: BGP-LS vs ExaBGP')
const CTX = codecContext()

type Json = Record<string, unknown>

interface Vector {
  readonly name: string
  readonly kind: string
  readonly hex: string
  readonly expected: Json
}

function vectors(dir: string): Vector[] {
  return readdirSync(dir)
    .filter((f) => /^bgp-ls-\d+\.txt$/.test(f))
    .sort()
    .map((f) => {
      const [kind, hex, json] = readFileSync(join(dir, f), 'utf8').split('\n')
      return {
        name: f,
        kind: kind!.trim(),
        hex: hex!.replace(/\s/g, '').toLowerCase(),
        expected: JSON.parse(json!) as Json,
      }
    })
}

/** A whole message from a vector's hex: as is with its marker, else an UPDATE body. */
function message(hex: string): Uint8Array {
  if (hex.startsWith('ff'.repeat(16))) return fromHex(hex)!
  const len = 19 + hex.length / 2
  return fromHex(`${'ff'.repeat(16)}${len.toString(16).padStart(4, '0')}02${hex}`)!
}

// ---- ours, in ExaBGP's vocabulary ----

function exaDescriptor(t: BgpLsDescriptorTlv): Json {
  if ('hex' in t) throw new Error(`no ExaBGP spelling for unknown TLV ${t.type}`)
  switch (t.name) {
    case 'AUTONOMOUS_SYSTEM':
      return { 'autonomous-system': t.value }
    case 'BGP_LS_IDENTIFIER':
      return { 'bgp-ls-identifier': String(t.value) }
    case 'OSPF_AREA_ID':
      return { 'ospf-area-id': t.value }
    case 'IGP_ROUTER_ID': {
      const v = t.value
      // ExaBGP writes an IS-IS System-ID as its 12 hex digits, an OSPF pseudonode's DR address beside it.
      if ('isoSystemId' in v && !('psnId' in v)) return { 'router-id': v.isoSystemId.replaceAll('.', '') }
      if ('drInterfaceAddress' in v)
        return { 'router-id': v.routerId, 'designated-router-id': v.drInterfaceAddress }
      if ('routerId' in v && !('drInterfaceId' in v)) return { 'router-id': v.routerId }
      throw new Error(`no ExaBGP spelling for IGP router id ${JSON.stringify(v)}`)
    }
    default:
      throw new Error(`no ExaBGP spelling for ${t.name}`)
  }
}

function values<N extends string>(list: readonly BgpLsDescriptorTlv[], ...names: N[]): unknown[] {
  return list
    .filter((t) => 'name' in t && (names as string[]).includes(t.name))
    .map((t) => (t as { value: unknown }).value)
}

const EXA_NLRI_TYPE: Record<number, string> = {
  1: 'bgpls-node',
  2: 'bgpls-link',
  3: 'bgpls-prefix-v4',
  4: 'bgpls-prefix-v6',
}

function exaNlri(n: BgpLsNlri): Json {
  if ('hex' in n || n.nlriType !== 2) throw new Error(`no ExaBGP vector for NLRI type ${n.nlriType}`)
  const link = n.linkDescriptors
  return {
    'ls-nlri-type': EXA_NLRI_TYPE[n.nlriType],
    'l3-routing-topology': Number(n.identifier),
    'protocol-id': n.protocolId,
    'local-node-descriptors': n.localNodeDescriptors.map(exaDescriptor),
    'remote-node-descriptors': n.remoteNodeDescriptors.map(exaDescriptor),
    'interface-addresses': values(link, 'IPV4_INTERFACE_ADDRESS', 'IPV6_INTERFACE_ADDRESS'),
    'neighbor-addresses': values(link, 'IPV4_NEIGHBOR_ADDRESS', 'IPV6_NEIGHBOR_ADDRESS'),
    'multi-topology-ids': (values(link, 'MULTI_TOPOLOGY_ID') as number[][]).flat(),
    'link-identifiers': values(link, 'LINK_LOCAL_REMOTE_IDENTIFIERS'),
  }
}

/** IS-IS Adj-SID flags (RFC 8667 §2.2.1), as ExaBGP names them: F B V L S P and the reserved bits. */
function isisAdjFlags(f: number): Json {
  const bit = (m: number) => (f & m ? 1 : 0)
  return { F: bit(0x80), B: bit(0x40), V: bit(0x20), L: bit(0x10), S: bit(0x08), P: bit(0x04), RSV: f & 0x03 }
}

function exaBgpLs(tlvs: readonly BgpLsAttributeTlv[], protocolId: number): Json {
  const out: Json = {}
  for (const t of tlvs) {
    if ('hex' in t) throw new Error(`no ExaBGP spelling for unknown TLV ${t.type}`)
    switch (t.name) {
      case 'IGP_METRIC':
        out['igp-metric'] = t.value.metric
        break
      case 'LINK_LOCAL_REMOTE_IDENTIFIERS':
        out['link-local-remote-identifiers'] = { 'local-id': t.value.localId, 'remote-id': t.value.remoteId }
        break
      case 'ADMINISTRATIVE_GROUP':
        out['admin-group-mask'] = t.value
        break
      case 'MAXIMUM_LINK_BANDWIDTH':
        out['maximum-link-bandwidth'] = t.value
        break
      case 'MAXIMUM_RESERVABLE_LINK_BANDWIDTH':
        out['maximum-reservable-link-bandwidth'] = t.value
        break
      case 'UNRESERVED_BANDWIDTH':
        out['unreserved-bandwidth'] = t.value
        break
      case 'TE_DEFAULT_METRIC':
        out['te-metric'] = t.value
        break
      case 'ADJACENCY_SID': {
        // The flags are the IGP's (RFC 9085 §2.2.1); ExaBGP reads them as IS-IS's, so must the NLRI.
        if (protocolId !== 1 && protocolId !== 2)
          throw new Error(`adjacency SID flags of protocol ${protocolId}`)
        const v = t.value
        const sids = 'label' in v ? [v.label] : [v.index]
        const adjs = (out['sr-adjs'] ??= []) as Json[]
        adjs.push({ flags: isisAdjFlags(v.flags), sids, weight: v.weight, 'undecoded-sids': [] })
        break
      }
      default:
        throw new Error(`no ExaBGP spelling for ${t.name}`)
    }
  }
  return out
}

const EXA_SEGMENT: Record<string, string> = {
  AS_SEQUENCE: 'as-sequence',
  AS_SET: 'as-set',
  AS_CONFED_SEQUENCE: 'as-confed-sequence',
  AS_CONFED_SET: 'as-confed-set',
}

/** The update as ExaBGP's "update" object: attributes and announcements. */
function exaUpdate(u: UpdateMessage): Json {
  const attribute: Json = {}
  const announce: Json = {}
  let protocolId = -1
  for (const a of u.attributes) {
    if (a.name === 'MP_REACH_NLRI') {
      if (a.value.family !== 'bgpls') throw new Error(`no ExaBGP vector for ${a.value.family}`)
      const first = a.value.nlri[0] as BgpLsNlri & { protocolId: number }
      protocolId = first.protocolId
      announce['bgp-ls bgp-ls'] = { [a.value.nextHop[0]!]: a.value.nlri.map((n) => exaNlri(n as BgpLsNlri)) }
    }
  }
  for (const a of u.attributes as PathAttribute[]) {
    switch (a.name) {
      case 'ORIGIN':
        attribute.origin = a.value
        break
      case 'AS_PATH':
        if (a.value.length) {
          attribute['as-path'] = Object.fromEntries(
            a.value.map((s, i) => [String(i), { element: EXA_SEGMENT[s.type], value: s.asns }]),
          )
        }
        break
      case 'MULTI_EXIT_DISC':
        attribute.med = a.value
        break
      case 'LOCAL_PREF':
        attribute['local-preference'] = a.value
        break
      case 'ORIGINATOR_ID':
        attribute['originator-id'] = a.value
        break
      case 'CLUSTER_LIST':
        attribute['cluster-list'] = a.value
        break
      case 'BGP_LS':
        attribute['bgp-ls'] = exaBgpLs(a.value, protocolId)
        break
      case 'MP_REACH_NLRI':
        break
      default:
        throw new Error(`no ExaBGP spelling for ${a.name}`)
    }
  }
  return { attribute, announce }
}

/** hex with the one occurrence of `from` at an octet boundary replaced by `to`. */
function mutate(hex: string, from: string, to: string): string {
  const at: number[] = []
  for (let i = hex.indexOf(from); i >= 0; i = hex.indexOf(from, i + 1)) if (i % 2 === 0) at.push(i)
  expect(at, `${from} occurs once`).toHaveLength(1)
  return hex.slice(0, at[0]) + to + hex.slice(at[0]! + from.length)
}

describe.runIf(testdata)('BGP-LS against ExaBGP', () => {
  const all = testdata ? vectors(join(testdata, 'bgp/exabgp-decoding')) : []
  const byName = new Map(all.map((v) => [v.name, v]))

  it('finds the five BGP-LS vectors', () => {
    expect(all.map((v) => [v.name, v.kind])).toEqual([
      ['bgp-ls-1.txt', 'nlri bgp-ls bgp-ls'],
      ['bgp-ls-2.txt', 'update bgp-ls bgp-ls'],
      ['bgp-ls-3.txt', 'update bgp-ls bgp-ls'],
      ['bgp-ls-4.txt', 'update bgp-ls bgp-ls'],
      ['bgp-ls-5.txt', 'update bgp-ls bgp-ls'],
    ])
  })

  it('bgp-ls-1.txt: a Link NLRI alone', () => {
    const v = byName.get('bgp-ls-1.txt')!
    const f = familyCodec(16388, 71)
    const r = reader(fromHex(v.hex)!)
    const n = f.decode(r, undefined, false) as BgpLsNlri
    expect(r.pos).toBe(r.end)
    expect(exaNlri(n)).toEqual(v.expected)
    expect(toHex(encodeWith(n, f.size, f.encode))).toBe(v.hex)
  })

  it.each(['bgp-ls-2.txt', 'bgp-ls-3.txt', 'bgp-ls-4.txt', 'bgp-ls-5.txt'])('%s: an UPDATE', (name) => {
    const v = byName.get(name)!
    const b = message(v.hex)
    const r = decodeMessage(b, CTX)
    expect(r.problems).toEqual([])
    const u = r.message as UpdateMessage
    const exa = (v.expected.neighbor as Json).message as Json
    expect(exaUpdate(u)).toEqual(exa.update)
    expect(toHex(encodeMessage(u, CTX))).toBe(toHex(b))
  })

  // RFC 9552 §8.2.2: a TLV inside the attribute malformed, the attribute's own length right.
  const discarded: [string, string, string, string][] = [
    ['bgp-ls-5.txt', 'an IGP metric TLV of 4 octets', '04410004', '04470004'],
    ['bgp-ls-5.txt', 'an adjacency SID overrunning the attribute', '044b00077000', '044b00097000'],
    ['bgp-ls-4.txt', 'link identifiers of 6 octets', '01020008', '01020006'],
  ]
  it.each(discarded)('%s with %s in the attribute: attribute-discard, NLRI kept', (name, _what, from, to) => {
    const v = byName.get(name)!
    const clean = decodeMessage(message(v.hex), CTX).message as UpdateMessage
    const b = message(mutate(v.hex, from, to))
    const r = decodeMessage(b, CTX)
    expect(r.action).toBe('attribute-discard')
    expect(r.problems.map((p) => [p.kind, p.action, p.attribute])).toEqual([
      ['NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', 'attribute-discard', 29],
    ])
    const routes = updateRoutes(r.message as UpdateMessage, r.problems, CTX)
    expect(routes.announce).toEqual(updateRoutes(clean, [], CTX).announce)
    expect(routes.attributes.other.filter((a) => a.code === 29)).toEqual([])
    expect(toHex(encodeMessage(r.message!, CTX))).toBe(toHex(b))
  })

  // RFC 9552 §8.2.2: length errors in the NLRI.
  const disabled: [string, string, string, string][] = [
    ['bgp-ls-2.txt', 'TLV 258 where the remote node descriptors are due', '01010024', '01020024'],
    ['bgp-ls-2.txt', 'a total NLRI length beyond MP_REACH_NLRI', '00020065', '00020066'],
    ['bgp-ls-4.txt', 'an IS-IS router id of 5 octets', '020300061921682522', '020300051921682522'],
  ]
  it.each(disabled)('%s with %s: afi-safi-disable', (name, _what, from, to) => {
    const b = message(mutate(byName.get(name)!.hex, from, to))
    const r = decodeMessage(b, CTX)
    expect(r.action).toBe('afi-safi-disable')
    expect(r.problems.map((p) => [p.kind, p.action, p.attribute, p.family])).toEqual([
      ['NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', 'afi-safi-disable', 14, 'bgpls'],
    ])
    const routes = updateRoutes(r.message as UpdateMessage, r.problems, CTX)
    expect([routes.announce, routes.disabled]).toEqual([[], ['bgpls']])
    expect(toHex(encodeMessage(r.message!, CTX))).toBe(toHex(b))
  })
})
