// Conformance with an independent decoder: every BGP message of every capture
// in the shared testdata (bgp/**/*.messages.tsv, reassembled per TCP
// direction) decodes, re-encodes to the same octets, and says what TShark's
// decode of the same capture (*.tshark.txt) says it says.
//
// The codec context of each direction comes from the OPENs in the capture
// (4-octet AS when both sent it, ADD-PATH per family when the sender may send
// and the receiver may receive). Captures without OPENs, and the few messages
// TShark cannot read, are listed below with the reason and the expectation
// taken from the other reference beside them (tcpdump's decode).

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ALL_FAMILIES,
  type CodecContext,
  codecContext,
  decodeMessage,
  encodeMessage,
  familyKey,
  type OpenMessage,
  openCapabilities,
} from '../../collector/src/bgp/index.ts'
import { fromHex, toHex } from '../../collector/src/wire/hex.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { type Meaning, ourMeaning, tsharkMeaning } from './meaning.ts'
import { parseTshark } from './tshark.ts'

const testdata = requireTestdata('conformance: captures vs TShark')

interface Row {
  readonly direction: string
  readonly type: string
  readonly bytes: Uint8Array
}

function readRows(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [direction, type, , hex] = l.split('\t')
      return { direction: direction!, type: type!, bytes: fromHex(hex!)! }
    })
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)],
  )
}

function reverse(direction: string): string {
  const [a, b] = direction.split('>')
  return `${b}>${a}`
}

/** The context of messages sent on `direction`, from both OPENs (RFC 6793 §3, RFC 7911 §4). */
function negotiated(opens: Map<string, OpenMessage>, direction: string): CodecContext | undefined {
  const sender = opens.get(direction)
  const receiver = opens.get(reverse(direction))
  if (!sender || !receiver) return undefined
  const caps = (o: OpenMessage) => openCapabilities(o)
  const has = (o: OpenMessage, name: string) => caps(o).some((c) => c.name === name)
  const modes = (o: OpenMessage) => {
    const m = new Map<number, string>()
    for (const c of caps(o)) {
      if (c.name === 'ADD_PATH')
        for (const f of c.value) m.set(familyKey(f.afi, f.safi), String(f.sendReceive))
    }
    return m
  }
  const send = modes(sender)
  const recv = modes(receiver)
  const addPath = new Set<number>()
  for (const [k, v] of send) {
    const r = recv.get(k)
    if ((v === 'send' || v === 'both') && (r === 'receive' || r === 'both')) addPath.add(k)
  }
  return codecContext({
    asn4: has(sender, 'FOUR_OCTET_AS') && has(receiver, 'FOUR_OCTET_AS'),
    addPath,
    extendedMessage: has(sender, 'EXTENDED_MESSAGE') && has(receiver, 'EXTENDED_MESSAGE'),
  })
}

/**
 * Captures whose OPENs are missing (or one-sided), with the context their
 * UPDATEs were sent in — from the MANIFEST and the capture's own notes.
 */
const CONTEXT: Record<string, CodecContext> = {
  // tcpdump test: an ADD-PATH UPDATE without the OPEN exchange (MANIFEST).
  'tcpdump/bgp-addpath.pcap': codecContext({ asn4: false, addPath: ALL_FAMILIES }),
  // UPDATEs captured without their session's OPENs, from 2-octet-AS sessions
  // (their AS_PATH segments hold 2-octet ASNs, as TShark and tcpdump read them).
  'tcpdump/bgp-rt-prefix.pcap': codecContext({ asn4: false }),
  'tcpdump/mpbgp-linklocal-nexthop.pcap': codecContext({ asn4: false }),
  'tcpdump/bgp_vpn_attrset.pcap': codecContext({ asn4: false }),
  'wireshark-samples/BGP_soft_reset.cap': codecContext({ asn4: false }),
  // ADD-PATH session whose OPENs were only seen in one direction in this capture;
  // the UPDATEs carry path ids for IPv4 unicast.
  'wireshark-samples/bgp-add-path.cap': codecContext({ asn4: true, addPath: new Set([familyKey(1, 1)]) }),
}

/**
 * Messages TShark 4.0 cannot read (or reads from another frame), with the
 * meaning tcpdump's decode beside them (the *.out file) gives instead.
 */
const EXPECTED: Record<string, Meaning> = {
  // TShark 4.0 does not know the RFC 9072 extended optional parameters encoding.
  'tcpdump/bgp-extended-optional-parameters-length.pcapng#0': {
    type: 'OPEN',
    version: 4,
    asn: 174,
    holdTime: 180,
    bgpId: '6.6.6.6',
    capabilities: [
      { code: 1, afi: 1, safi: 1 },
      { code: 1, afi: 2, safi: 1 },
      { code: 128 },
      { code: 2 },
      { code: 70 },
      { code: 65, asn: 174 },
      { code: 6 },
      { code: 69, families: ['1/1/receive', '2/1/receive'] },
      { code: 73 },
      { code: 64, time: 120, families: [] },
      { code: 71 },
    ],
  },
  // The capture holds the message twice, as Administrative Shutdown and then (the
  // segment the reassembly keeps) as Administrative Reset; TShark shows the first.
  'tcpdump/bgp-shutdown-communication.pcapng#0': {
    type: 'NOTIFICATION',
    code: 6,
    subcode: 4,
    detail: 'This is a test of the shutdown communication system.',
  },
}

/**
 * TShark 4.0 marks route target membership NLRI malformed; tcpdump's decode
 * gives them instead: one list per UPDATE, in capture order.
 */
function tcpdumpRtc(outFile: string): string[][] {
  return readFileSync(outFile, 'utf8')
    .split('Update Message')
    .slice(1)
    .map((block) =>
      [...block.matchAll(/origin AS: (\d+), route-target: (\S+)\/(\d+)/g)].map(
        (m) => `rtc=${m[1]} ${m[2]}/${m[3]}`,
      ),
    )
}

function withRtc(meaning: Meaning, rtc: string[][]): Meaning {
  const isRtc = (a: { code: number; safi?: unknown }) => (a.code === 14 || a.code === 15) && a.safi === 132
  if (meaning.type !== 'UPDATE' || !meaning.attributes.some(isRtc)) return meaning
  const nlri = rtc.shift()
  const attributes = meaning.attributes.map((a) => (isRtc(a) ? { ...a, nlri } : a))
  return { ...meaning, attributes }
}

const files = testdata
  ? walk(join(testdata, 'bgp'))
      .filter((f) => f.endsWith('.messages.tsv'))
      .sort()
  : []

describe.runIf(testdata)('captures decode and agree with TShark', () => {
  it('finds the captures', () => {
    expect(files.length).toBeGreaterThanOrEqual(30)
  })

  for (const file of files) {
    const name = file.slice(join(testdata!, 'bgp').length + 1).replace(/\.messages\.tsv$/, '')
    it(name, () => {
      const rows = readRows(file)
      const tshark = parseTshark(readFileSync(file.replace(/\.messages\.tsv$/, '.tshark.txt'), 'utf8'))
      expect(tshark.length).toBe(rows.length)
      // OPENs first: they decide the context of everything else.
      const opens = new Map<string, OpenMessage>()
      for (const row of rows) {
        if (row.type !== 'OPEN') continue
        const r = decodeMessage(row.bytes, codecContext())
        expect(r.problems).toEqual([])
        opens.set(row.direction, r.message as OpenMessage)
      }
      const byDirection = new Map<string, typeof tshark>()
      for (const t of tshark) byDirection.set(t.direction, [...(byDirection.get(t.direction) ?? []), t])
      const seen = new Map<string, number>()
      const outFile = file.replace(/\.messages\.tsv$/, '').replace(/\.pcapn?g?$/, '.out')
      const rtc = name === 'tcpdump/bgp-rt-prefix.pcap' ? tcpdumpRtc(outFile) : []
      rows.forEach((row, index) => {
        const k = seen.get(row.direction) ?? 0
        seen.set(row.direction, k + 1)
        const ctx = CONTEXT[name] ?? negotiated(opens, row.direction) ?? codecContext()
        const r = decodeMessage(row.bytes, ctx)
        const where = `${name} message ${index} (${row.type}, ${row.direction})`
        expect(r.message, where).toBeDefined()
        expect(r.length, where).toBe(row.bytes.length)
        // Re-encoding the decoded value gives back the received octets.
        expect(toHex(encodeMessage(r.message!, ctx)), where).toBe(toHex(row.bytes))
        const t = byDirection.get(row.direction)?.[k]
        expect(t?.length, where).toBe(row.bytes.length)
        const expected = EXPECTED[`${name}#${index}`] ?? withRtc(tsharkMeaning(t!), rtc)
        expect(ourMeaning(r.message!), where).toEqual(expected)
      })
    })
  }
})
