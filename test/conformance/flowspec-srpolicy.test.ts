// Conformance of FlowSpec (RFC 8955/8956), SR Policy (RFC 9830), the tunnel
// encapsulation attribute (RFC 9012) and BGP Prefix-SID (RFC 8669/9252) with
// every case of them in the shared testdata:
//  - ExaBGP decoding vectors bgp-flow-1..3, bgp-sr-policy-1,
//    vpnv4-extended-nexthop-1 and encoding vectors conf-flow.ci,
//    conf-prefix-sid.ci: each message decodes without problems, re-encodes to
//    the same octets, and means what ExaBGP's JSON says (components with their
//    operators and values, the `string` text, RD, next hop, actions, SIDs,
//    colors, endpoints);
//  - the Wireshark captures BGP_flowspec_redirect.cap and BGP_flowspec_v4.cap
//    (their .messages.tsv octets against TShark's decode of the same frames):
//    filter types, prefixes and offsets, operator octets and values, actions;
//  - tcpdump's bgp-encap.pcap (tcpdump's expected output): the encapsulation
//    extended community. That capture has no TUNNEL_ENCAPSULATION attribute,
//    whatever the manifest says: its UPDATE carries ORIGIN, AS_PATH,
//    LOCAL_PREF, EXTENDED_COMMUNITIES and MP_REACH_NLRI only.
// Malformed variants of the real messages give the documented RFC 7606 action.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type BgpMessage,
  codecContext,
  decodeMessage,
  type ExtendedCommunity,
  encodeExtendedCommunity,
  encodeMessage,
  type FlowspecComponent,
  type FlowspecNlri,
  flowspecText,
  formatExtendedCommunity,
  type MpReachNlri,
  type PathAttribute,
  type PrefixSid,
  type SrPolicyNlri,
  type TunnelEncapsulation,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import { fromHex, toHex } from '../../collector/src/wire/hex.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { child, findAll, parseTshark, type TsharkNode } from './tshark.ts'

const testdata = requireTestdata('conformance: FlowSpec, SR Policy, tunnel encapsulation, Prefix-SID')
const ctx = codecContext()

// biome-ignore lint/suspicious/noExplicitAny: ExaBGP's JSON is read loosely
type Json = any

/** ExaBGP JSON, with 64-bit integers ("value" of extended communities) kept exact as strings. */
function parseExaJson(text: string): Json {
  return JSON.parse(text.replace(/"value":\s*(\d+)/g, '"value":"$1"'))
}

function hexBytes(hex: string): Uint8Array {
  const b = fromHex(hex)
  if (!b) throw new Error(`not hex: ${hex.slice(0, 40)}`)
  return b
}

/** Decodes a message that must be clean and must re-encode to the same octets. */
function decodeClean(bytes: Uint8Array): UpdateMessage {
  const r = decodeMessage(bytes, ctx)
  expect(r.problems).toEqual([])
  expect(r.message?.type).toBe('UPDATE')
  expect(toHex(encodeMessage(r.message!, ctx))).toBe(toHex(bytes))
  return r.message as UpdateMessage
}

function attr<N extends PathAttribute['name']>(u: UpdateMessage, name: N) {
  return u.attributes.find((a) => a.name === name) as Extract<PathAttribute, { name: N }> | undefined
}

interface Vector {
  readonly where: string
  readonly hex: string
  readonly json?: Json
}

function vectors(): Vector[] {
  if (!testdata) return []
  const out: Vector[] = []
  for (const f of ['bgp-flow-1', 'bgp-flow-2', 'bgp-flow-3', 'bgp-sr-policy-1', 'vpnv4-extended-nexthop-1']) {
    const [, hex, json] = readFileSync(join(testdata, 'bgp/exabgp-decoding', `${f}.txt`), 'utf8').split('\n')
    out.push({ where: f, hex: hex!.trim(), json: parseExaJson(json!) })
  }
  for (const f of ['conf-flow.ci', 'conf-prefix-sid.ci']) {
    const lines = readFileSync(join(testdata, 'bgp/exabgp-encoding', f), 'utf8').split('\n')
    lines.forEach((l, i) => {
      const raw = /^\d+:raw:(.*)$/.exec(l)
      if (!raw) return
      // The expected decode of ExaBGP 6 (`json`, or `jsv6` beside the older `jsv4`), up to the next raw line.
      let json: Json
      for (let j = i + 1; j < lines.length && !/^\d+:raw:/.test(lines[j]!); j++) {
        const m = /^\d+:(json|jsv6):(.*)$/.exec(lines[j]!)
        if (m) json = parseExaJson(m[2]!)
      }
      out.push({ where: `${f}:${i + 1}`, hex: raw[1]!, json })
    })
  }
  return out
}

// What ExaBGP says, in ExaBGP's terms, derived from our decode.

const EXABGP_FAMILY: Record<string, string> = {
  'ipv4-flowspec': 'ipv4 flow',
  'ipv6-flowspec': 'ipv6 flow',
  'ipv4-flowspec-vpn': 'ipv4 flow-vpn',
  'ipv4-srpolicy': 'ipv4 sr-policy',
  'ipv4-vpn': 'ipv4 mpls-vpn',
  'ipv4-labeled': 'ipv4 nlri-mpls',
}

/** The terms of one component as ExaBGP lists them: its text, brackets removed, split at ORs. */
function componentTerms(c: FlowspecComponent, afi: 1 | 2): [string, string[]] {
  const text = flowspecText({ components: [c] }, afi)
  const space = text.indexOf(' ')
  const value = text.slice(space + 1)
  const terms = value.startsWith('[ ') ? value.slice(2, -2).split(' ') : [value]
  return [text.slice(0, space), terms]
}

function flowAsExabgp(n: FlowspecNlri, afi: 1 | 2): Json {
  const out: Json = {}
  for (const c of n.components) {
    const [keyword, terms] = componentTerms(c, afi)
    out[keyword] = terms
  }
  if (n.rd !== undefined) out.rd = n.rd
  out.string = `flow ${flowspecText(n, afi)}`
  return out
}

function tunnelAsExabgp(t: TunnelEncapsulation): Json {
  const out: Json = {}
  for (const tlv of t) {
    if (tlv.tunnelType !== 15) continue
    const policy: Json = {}
    for (const s of tlv.subTlvs) {
      if (!('name' in s)) continue
      if (s.name === 'preference') policy.preference = s.preference
      if (s.name === 'binding-sid' && s.label) policy['binding-sid'] = { type: 'mpls', label: s.label.label }
      if (s.name === 'segment-list') {
        const list: Json = { segments: [] }
        for (const seg of s.subTlvs) {
          if (!('name' in seg)) continue
          if (seg.name === 'weight') list.weight = seg.weight
          if (seg.name === 'segment-type-a')
            list.segments.push({ type: 'A', label: seg.label, tc: seg.tc, s: seg.s, ttl: seg.ttl })
        }
        policy['segment-lists'] ??= []
        policy['segment-lists'].push({ weight: list.weight, segments: list.segments })
      }
    }
    out['sr-policy'] = policy
  }
  return out
}

function prefixSidAsExabgp(p: PrefixSid): Json {
  const out: Json = {}
  for (const t of p) {
    if (!('name' in t)) continue
    if (t.name === 'label-index') out['sr-label-index'] = t.labelIndex
    if (t.name === 'originator-srgb') out['sr-srgbs'] = t.srgb.map((s) => [s.base, s.range])
    if (t.name === 'srv6-l3-service') {
      out['l3-service'] = t.subTlvs.flatMap((s) =>
        'name' in s ? [{ sid: s.sid, flags: s.flags, endpoint_behavior: s.endpointBehavior }] : [],
      )
    }
  }
  return out
}

function ecAsExabgp(e: ExtendedCommunity): Json {
  const b = encodeExtendedCommunity(e)
  return { value: BigInt(`0x${toHex(b)}`).toString(), string: formatExtendedCommunity(e) }
}

function updateAsExabgp(u: UpdateMessage): Json {
  const attribute: Json = {}
  const announce: Json = {}
  for (const a of u.attributes) {
    if (a.name === 'EXTENDED_COMMUNITIES') attribute['extended-community'] = a.value.map(ecAsExabgp)
    if (a.name === 'TUNNEL_ENCAPSULATION') attribute['tunnel-encap'] = tunnelAsExabgp(a.value)
    if (a.name === 'PREFIX_SID') attribute['bgp-prefix-sid'] = prefixSidAsExabgp(a.value)
    if (a.name === 'MP_REACH_NLRI') {
      const mp = a.value as MpReachNlri
      const family = EXABGP_FAMILY[mp.family]!
      const nh = mp.nextHop.length ? mp.nextHop[0]! : 'no-nexthop'
      const afi = mp.afi as 1 | 2
      announce[family] = {
        [nh]: mp.nlri.map((n) => {
          if (mp.safi === 133 || mp.safi === 134) return flowAsExabgp(n as FlowspecNlri, afi)
          if (mp.safi === 73) {
            const p = n as SrPolicyNlri
            return { distinguisher: p.distinguisher, color: p.color, endpoint: p.endpoint }
          }
          const l = n as { prefix: string; rd?: string }
          return l.rd === undefined ? { nlri: l.prefix } : { nlri: l.prefix, rd: l.rd }
        }),
      }
    }
  }
  return { attribute, announce }
}

/** ExaBGP's JSON reduced to the facts this suite compares. */
function exabgpFacts(json: Json): Json {
  const update = json.neighbor.message.update
  const attribute: Json = {}
  for (const k of ['extended-community', 'tunnel-encap', 'bgp-prefix-sid']) {
    if (update.attribute?.[k] !== undefined) attribute[k] = update.attribute[k]
  }
  const announce: Json = {}
  for (const [family, byNh] of Object.entries(update.announce ?? {}) as [string, Json][]) {
    announce[family] = {}
    for (const [nh, list] of Object.entries(byNh) as [string, Json[]][]) {
      announce[family][nh] = list.map((n) => {
        // ExaBGP's next-hop (ExaBGP 4 only) and the labeled families' labels belong to other suites.
        const { 'next-hop': _nh, label: _label, ...rest } = n
        return rest
      })
    }
  }
  return { attribute, announce }
}

describe.skipIf(!testdata)('ExaBGP vectors', () => {
  const all = vectors()

  it('finds every FlowSpec, SR Policy and Prefix-SID vector', () => {
    expect(all.map((v) => v.where)).toEqual([
      'bgp-flow-1',
      'bgp-flow-2',
      'bgp-flow-3',
      'bgp-sr-policy-1',
      'vpnv4-extended-nexthop-1',
      ...[4, 9, 15, 20, 27, 32, 37, 42, 47, 53, 59, 64, 69, 74, 79, 81, 83].map((l) => `conf-flow.ci:${l}`),
      'conf-prefix-sid.ci:3',
      'conf-prefix-sid.ci:6',
    ])
  })

  it.each(all.filter((v) => v.json))('$where means what ExaBGP says', (v) => {
    const u = decodeClean(hexBytes(v.hex))
    expect(updateAsExabgp(u)).toEqual(exabgpFacts(v.json))
  })

  it.each(all.filter((v) => !v.json))('$where (End-of-RIB) decodes as the family it names', (v) => {
    const u = decodeClean(hexBytes(v.hex))
    const body = v.hex.replace(/:/g, '').slice(-6)
    const names: Record<string, string> = {
      '000185': 'ipv4-flowspec',
      '000186': 'ipv4-flowspec-vpn',
      '000285': 'ipv6-flowspec',
    }
    expect(u.endOfRib).toBe(names[body])
  })

  it('the IPv6 rule of conf-flow.ci was sent as the whole address (ExaBGP), not the RFC 8956 pattern', () => {
    const v = all.find(
      (x) => x.json?.neighbor.message.update.announce['ipv6 flow'] && x.where.startsWith('conf'),
    )!
    const u = decodeClean(hexBytes(v.hex))
    const nlri = (attr(u, 'MP_REACH_NLRI')!.value as MpReachNlri).nlri[0] as FlowspecNlri
    expect(nlri.components[1]).toEqual({
      type: 2,
      name: 'source-prefix',
      prefix: '::1/128',
      offset: 120,
      fullPrefix: true,
    })
  })
})

// The Wireshark sample captures against TShark's decode.

interface TsharkFlowFacts {
  readonly filters: Json[]
  readonly communities: Json[]
}

function tsharkFilter(f: TsharkNode): Json {
  const type = Number(/\((\d+)\)$/.exec(child(f, 'Filter type')!.value)![1])
  const out: Json = { type }
  const prefixNode = f.children.find((c) => /\/\d+$/.test(c.text))
  if (prefixNode) {
    const addr = prefixNode.children.find((c) => /(IP filter|IPv6 prefix)$/.test(c.key))!.value
    const len = prefixNode.children.find((c) => /prefix length$/.test(c.key))!.value
    out.prefix = `${addr}/${len}`
    const offset = child(prefixNode, 'IPv6 prefix offset')
    if (offset) out.offset = Number(offset.value)
  }
  const ops: Json[] = []
  for (const c of f.children) {
    if (c.key === 'Operator flags') ops.push({ op: Number.parseInt(c.value.slice(2, 4), 16) })
    if (c.key === 'Decimal value') ops[ops.length - 1]!.value = Number(c.value)
  }
  if (ops.length) out.operators = ops
  return out
}

function tsharkCommunity(c: TsharkNode): Json {
  const subtype = /\(0x([0-9a-f]{2})\)$/.exec(findAll(c, /^Subtype/)[0]!.value)![1]!
  const type = /\(0x([0-9a-f]{2})\)$/.exec(child(c, 'Type')!.value)![1]!
  const fields: Json = {}
  for (const x of c.children) if (!/^(Type|Subtype)/.test(x.key)) fields[x.key] = x.value
  return { code: `${type}${subtype}`, fields }
}

function ourFilter(c: FlowspecComponent): Json {
  const out: Json = { type: c.type }
  if ('prefix' in c) {
    out.prefix = c.prefix
    if (c.offset !== undefined) out.offset = c.offset
  } else {
    out.operators = c.operators.map((o) => {
      const len = { 1: 0, 2: 1, 4: 2, 8: 3 }[o.length] << 4
      const low =
        'lt' in o
          ? (o.lt ? 4 : 0) | (o.gt ? 2 : 0) | (o.eq ? 1 : 0)
          : ((o as { not: boolean }).not ? 2 : 0) | ((o as { match: boolean }).match ? 1 : 0)
      return { op: (o.end ? 0x80 : 0) | (o.and ? 0x40 : 0) | len | low, value: Number(o.value) }
    })
  }
  return out
}

function ourCommunity(e: ExtendedCommunity): Json {
  const code = toHex(encodeExtendedCommunity(e).subarray(0, 2))
  if (e.name === 'redirect') {
    const [asn, local] = e.value.split(':')
    return { code, fields: { '2-Octet AS': asn, '4-Octet AN': local } }
  }
  if (e.name === 'traffic-rate-bytes')
    return { code, fields: { '2-Octet AS': String(e.asn), 'Rate shaper': String(e.rate) } }
  return { code, fields: {} }
}

function captureCase(name: string): { ours: TsharkFlowFacts[]; theirs: TsharkFlowFacts[] } {
  const dir = join(testdata!, 'bgp/wireshark-samples')
  const ours: TsharkFlowFacts[] = []
  for (const line of readFileSync(join(dir, `${name}.messages.tsv`), 'utf8').split('\n')) {
    const [, type, , hex] = line.split('\t')
    if (type !== 'UPDATE') continue
    const u = decodeClean(hexBytes(hex!))
    const mp = attr(u, 'MP_REACH_NLRI')?.value as MpReachNlri | undefined
    if (mp?.safi !== 133) continue
    ours.push({
      filters: (mp.nlri as FlowspecNlri[]).flatMap((n) => n.components.map(ourFilter)),
      communities: (attr(u, 'EXTENDED_COMMUNITIES')?.value ?? []).map(ourCommunity),
    })
  }
  const theirs: TsharkFlowFacts[] = []
  for (const m of parseTshark(readFileSync(join(dir, `${name}.tshark.txt`), 'utf8'))) {
    if (m.type !== 'UPDATE' || !findAll(m.root, /^FLOW_SPEC_NLRI/).length) continue
    const filters = findAll(m.root, 'Filter').map(tsharkFilter)
    const communities = findAll(m.root, 'Carried extended communities').flatMap((c) =>
      c.children.map(tsharkCommunity),
    )
    theirs.push({ filters, communities })
  }
  return { ours, theirs }
}

describe.skipIf(!testdata)('Wireshark FlowSpec captures against TShark', () => {
  it('BGP_flowspec_v4.cap: prefixes, protocol, ports, operators and the discard action', () => {
    const { ours, theirs } = captureCase('BGP_flowspec_v4.cap')
    expect(theirs).toHaveLength(1)
    expect(ours).toEqual(theirs)
    expect(ours[0]!.filters.map((f: Json) => f.type)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('BGP_flowspec_redirect.cap: IPv6 prefixes with offsets and the 2-octet AS redirect', () => {
    const { ours, theirs } = captureCase('BGP_flowspec_redirect.cap')
    expect(theirs).toHaveLength(2)
    expect(ours).toEqual(theirs)
  })

  it('BGP_flowspec_redirect.cap: the End-of-RIB of ipv6-flowspec, and the key of each rule', () => {
    const dir = join(testdata!, 'bgp/wireshark-samples')
    const keys: string[] = []
    const eor: string[] = []
    for (const line of readFileSync(join(dir, 'BGP_flowspec_redirect.cap.messages.tsv'), 'utf8').split(
      '\n',
    )) {
      const [, type, , hex] = line.split('\t')
      if (type !== 'UPDATE') continue
      const u = decodeClean(hexBytes(hex!))
      if (u.endOfRib) eor.push(u.endOfRib)
      const mp = attr(u, 'MP_REACH_NLRI')?.value as MpReachNlri | undefined
      if (mp?.safi === 133) keys.push(...(mp.nlri as FlowspecNlri[]).map((n) => flowspecText(n, 2)))
    }
    expect(eor).toEqual(['ipv6-unicast', 'ipv6-flowspec'])
    expect(keys).toEqual([
      'destination-ipv6 3001:99:b::10/128/0 source-ipv6 3001:99:a::10/128/0',
      'destination-ipv6 3001:4:b::10/128/0 source-ipv6 3001:1:a::10/128/0',
    ])
  })
})

describe.skipIf(!testdata)('tcpdump bgp-encap.pcap', () => {
  it('the encapsulation extended community says VXLAN, as tcpdump prints it; no tunnel encapsulation attribute', () => {
    const dir = join(testdata!, 'bgp/tcpdump')
    const line = readFileSync(join(dir, 'bgp-encap.pcap.messages.tsv'), 'utf8')
      .split('\n')
      .find((l) => l.includes('\tUPDATE\t'))!
    const u = decodeClean(hexBytes(line.split('\t')[3]!))
    const out = readFileSync(join(dir, 'bgp-encap.out'), 'utf8')
    // "target (0x0002), Flags [none]: 65000:101 (= 0.0.0.101)", "encapsulation (0x030c), Flags [none]: Tunnel type: VXLAN"
    const tcpdump = [...out.matchAll(/^\s+\w+ \(0x([0-9a-f]{4})\), Flags \[none\]: (.*)$/gm)].map((m) => ({
      code: m[1],
      meaning: m[2]!.startsWith('Tunnel type: ') ? m[2]!.slice(13).toLowerCase() : m[2]!.split(' ')[0],
    }))
    const ours = attr(u, 'EXTENDED_COMMUNITIES')!.value.map((e) => ({
      code: toHex(encodeExtendedCommunity(e).subarray(0, 2)),
      meaning: e.name === 'route-target' ? e.value : formatExtendedCommunity(e).replace('encap:', ''),
    }))
    expect(ours).toEqual(tcpdump)
    expect(u.attributes.map((a) => a.code)).toEqual([1, 2, 5, 16, 14])
  })
})

// Malformed variants of the real messages.

function firstRaw(where: string): Uint8Array {
  return hexBytes(vectors().find((v) => v.where === where)!.hex)
}

/** The message with one attribute's value octets replaced (the attribute carried as UNKNOWN so nothing re-validates it). */
function withAttribute(bytes: Uint8Array, code: number, value: (old: string) => string): Uint8Array {
  const u = decodeClean(bytes)
  const attributes = u.attributes.map((a): PathAttribute => {
    if (a.code !== code) return a
    const alone: BgpMessage = { type: 'UPDATE', withdrawn: [], attributes: [a], nlri: [] }
    const whole = toHex(encodeMessage(alone, ctx)).slice(46)
    const header = (a.flags & 0x10 ? 4 : 3) * 2
    return { code, flags: a.flags & ~0x10, name: 'UNKNOWN', value: value(whole.slice(header)) }
  })
  return encodeMessage({ ...u, attributes }, ctx)
}

describe.skipIf(!testdata)('malformed variants give the documented RFC 7606 action', () => {
  it('FlowSpec components out of order (RFC 8955 §4.2): AFI/SAFI disable', () => {
    // conf-flow.ci:15 — destination 10.0.0.2/32 then source 10.0.0.1/32: swap the two 6-octet components
    const bytes = withAttribute(firstRaw('conf-flow.ci:15'), 14, (v) => {
      const nlri = v.slice(10)
      expect(nlri.slice(0, 26)).toBe('1301200a00000202200a000001')
      return v.slice(0, 10) + nlri.slice(0, 2) + nlri.slice(14, 26) + nlri.slice(2, 14) + nlri.slice(26)
    })
    const r = decodeMessage(bytes, ctx)
    expect(r.problems).toMatchObject([
      { kind: 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD', action: 'afi-safi-disable', family: 'ipv4-flowspec' },
    ])
    expect(r.action).toBe('afi-safi-disable')
  })

  it('an unknown FlowSpec component type: AFI/SAFI disable', () => {
    const bytes = withAttribute(firstRaw('bgp-flow-2'), 14, (v) => {
      expect(v.endsWith('050901048109')).toBe(true)
      return v.replace(/050901048109$/, '051401048109')
    })
    expect(decodeMessage(bytes, ctx).problems).toMatchObject([
      { action: 'afi-safi-disable', reason: expect.stringContaining('unknown component type 20') },
    ])
  })

  it('a tunnel encapsulation sub-TLV overrunning its TLV (RFC 9012 §13): treat-as-withdraw', () => {
    const bytes = withAttribute(firstRaw('bgp-sr-policy-1'), 23, (v) => {
      expect(v.startsWith('000f00240c06')).toBe(true)
      return v.replace(/^000f00240c06/, '000f00240c26')
    })
    const r = decodeMessage(bytes, ctx)
    expect(r.problems).toMatchObject([{ attribute: 23, action: 'treat-as-withdraw' }])
    expect(r.action).toBe('treat-as-withdraw')
  })

  it('a Prefix-SID label index of the wrong length (RFC 8669 §6): attribute-discard', () => {
    const bytes = withAttribute(firstRaw('conf-prefix-sid.ci:3'), 40, (v) => {
      expect(v).toBe('01000700000000000309')
      return '010006000000000309'
    })
    const r = decodeMessage(bytes, ctx)
    expect(r.problems).toMatchObject([{ attribute: 40, action: 'attribute-discard' }])
    expect(r.action).toBe('attribute-discard')
  })

  it('an SR Policy NLRI of the wrong length (RFC 9830 §2.1): AFI/SAFI disable', () => {
    const bytes = withAttribute(firstRaw('bgp-sr-policy-1'), 14, (v) => {
      expect(v.endsWith('6000000000000000640a000001')).toBe(true)
      return v.replace(/6000000000000000640a000001$/, '5800000000000000640a0000')
    })
    expect(decodeMessage(bytes, ctx).problems).toMatchObject([
      { attribute: 14, action: 'afi-safi-disable', family: 'ipv4-srpolicy' },
    ])
  })
})
