// includeAll with the families RIS Live leaves out: real EVPN, FlowSpec,
// VPNv4 and BGP-LS UPDATEs (captures and ExaBGP vectors from the shared
// testdata) sent through a real BGP session. An includeAll client must get
// each one with `routes` equal to the codec's JSON form of the message's
// NLRI (docs/json.md), every route tagged with its family, and `attributes`
// equal to the codec's attributes; a client without includeAll gets none of
// them (RIS Live carries unicast only).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Capability,
  DEFAULT_CONTEXT,
  decodeMessage,
  toJson,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { mp, open, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'
import { CRAFTED } from './feed.ts'
import { type LiveCollector, RisClient, StreamClient, startLiveCollector } from './harness.ts'

const testdata = requireTestdata('live: includeAll families')

const PEER = { address: '127.0.0.31', asn: 12429 }

/** The UPDATEs of a `.messages.tsv` capture extract (direction, type, length, hex). */
function captured(file: string): Uint8Array[] {
  return readFileSync(join(testdata!, file), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .filter((f) => f[1] === 'UPDATE')
    .map((f) => Buffer.from(f[3]!, 'hex'))
}

/** The message of an ExaBGP decoding vector (line 2: a whole message, or an UPDATE body). */
function vector(file: string): Uint8Array {
  let hex = readFileSync(join(testdata!, file), 'utf8').split('\n')[1]!.trim().replaceAll(':', '')
  if (!hex.startsWith('FFFFFFFF')) {
    hex = `${'F'.repeat(32)}${(hex.length / 2 + 19).toString(16).padStart(4, '0')}02${hex}`
  }
  return Buffer.from(hex, 'hex')
}

interface Case {
  readonly name: string
  readonly raw: Uint8Array
  readonly families: readonly string[]
}

function cases(): Case[] {
  return [
    {
      name: 'EVPN MAC/IP advertisement with tunnel encapsulation (tcpdump bgp-encap.pcap)',
      raw: captured('bgp/tcpdump/bgp-encap.pcap.messages.tsv')[0]!,
      families: ['l2vpn-evpn'],
    },
    {
      name: 'EVPN withdrawals, route types 2 and 8 (ExaBGP bgp-evpn-1)',
      raw: vector('bgp/exabgp-decoding/bgp-evpn-1.txt'),
      families: ['l2vpn-evpn'],
    },
    {
      name: 'IPv4 FlowSpec with a traffic-rate action (wireshark BGP_flowspec_v4.cap)',
      raw: captured('bgp/wireshark-samples/BGP_flowspec_v4.cap.messages.tsv')[0]!,
      families: ['ipv4-flowspec'],
    },
    {
      name: 'IPv6 FlowSpec (ExaBGP bgp-flow-1)',
      raw: vector('bgp/exabgp-decoding/bgp-flow-1.txt'),
      families: ['ipv6-flowspec'],
    },
    {
      name: 'VPNv4 from a Cisco router (pmacct 301-BGP-CISCO-pretag)',
      raw: captured('bgp/pmacct/301-BGP-CISCO-pretag/traffic-00.pcap.messages.tsv')[0]!,
      families: ['ipv4-vpn'],
    },
    {
      name: 'VPNv4, several routes in one UPDATE (pmacct 301-BGP-CISCO-pretag)',
      raw: captured('bgp/pmacct/301-BGP-CISCO-pretag/traffic-00.pcap.messages.tsv')[8]!,
      families: ['ipv4-vpn'],
    },
    {
      name: 'BGP-LS link (ExaBGP bgp-ls-2)',
      raw: vector('bgp/exabgp-decoding/bgp-ls-2.txt'),
      families: ['bgpls'],
    },
  ]
}

type Json = Record<string, unknown>

/** JSON text → value: what a client parses. */
function json(v: unknown): unknown {
  return JSON.parse(toJson(v))
}

/**
 * The routes of an UPDATE, read straight from its decoded attributes (not
 * through the code under test), in the codec's JSON form: the IPv4 NLRI
 * field, then MP_REACH_NLRI; the IPv4 withdrawn field, then MP_UNREACH_NLRI.
 */
function expectedRoutes(u: UpdateMessage): Json {
  const announce: Json[] = []
  const withdraw: Json[] = []
  if (u.withdrawn.length) withdraw.push({ family: 'ipv4-unicast', nlri: u.withdrawn })
  for (const a of u.attributes) {
    if (a.name === 'MP_REACH_NLRI') {
      announce.push({ family: a.value.family, next_hop: a.value.nextHop, nlri: a.value.nlri })
    } else if (a.name === 'MP_UNREACH_NLRI') {
      withdraw.push({ family: a.value.family, nlri: a.value.nlri })
    }
  }
  const nh = u.attributes.find((a) => a.name === 'NEXT_HOP')
  if (u.nlri.length)
    announce.unshift({ family: 'ipv4-unicast', next_hop: nh ? [nh.value] : [], nlri: u.nlri })
  return json({ announce, withdraw }) as Json
}

describe.runIf(testdata)(
  'live feed includeAll: EVPN, FlowSpec, VPNv4 and BGP-LS through a real session',
  () => {
    let lc: LiveCollector
    let all: RisClient
    let plain: RisClient
    let stream: StreamClient
    let speaker: ScriptedSpeaker
    const list = testdata ? cases() : []
    /** An IPv4 unicast UPDATE sent last: once the plain client has it, it has had its chance at the others. */
    const marker = CRAFTED[1]!.message

    beforeAll(async () => {
      lc = await startLiveCollector()
      all = await RisClient.connect(lc.ws())
      await all.subscribe({ type: 'UPDATE', socketOptions: { includeAll: true, acknowledge: true } })
      plain = await RisClient.connect(lc.ws())
      await plain.subscribe({ type: 'UPDATE', socketOptions: { acknowledge: true } })
      stream = new StreamClient(lc.http('/v1/stream/?format=json'), {
        type: 'UPDATE',
        socketOptions: { includeAll: true },
      })
      await all.until(() => lc.collector.live!.stats().subscriptions === 3)
      speaker = await ScriptedSpeaker.connect(lc.bgpPort, PEER.address)
      const families: Capability[] = [
        mp(1, 1, 'ipv4-unicast'),
        mp(1, 128, 'ipv4-vpn'),
        mp(1, 133, 'ipv4-flowspec'),
        mp(2, 133, 'ipv6-flowspec'),
        mp(25, 70, 'l2vpn-evpn'),
        mp(16388, 71, 'bgpls'),
      ]
      speaker.send(open(PEER.asn, PEER.address, families))
      await speaker.next('OPEN')
      await speaker.next('KEEPALIVE')
      speaker.send({ type: 'KEEPALIVE' })
      for (const c of list) speaker.sendRaw(c.raw)
      speaker.send(marker)
      await all.until(() => all.data('UPDATE').length === list.length + 1)
      await plain.until(() => plain.data('UPDATE').length >= 1)
      await stream.until(() => stream.data('UPDATE').length === list.length + 1)
      await new Promise((r) => setTimeout(r, 200))
    }, 30_000)

    afterAll(async () => {
      all?.ws.terminate()
      plain?.ws.terminate()
      stream?.close()
      await speaker?.close()
      await lc?.stop()
    })

    it('every fixture is a clean UPDATE of its families', () => {
      for (const c of list) {
        const d = decodeMessage(c.raw, DEFAULT_CONTEXT)
        expect(d.problems).toEqual([])
        const u = d.message as UpdateMessage
        const r = expectedRoutes(u) as { announce: Json[]; withdraw: Json[] }
        expect([...r.announce, ...r.withdraw].map((x) => x.family)).toEqual(c.families)
      }
    })

    it.each(list.map((c, i) => [c.name, i] as const))(
      '%s: routes and attributes as the codec JSON',
      (_name, i) => {
        const c = list[i]!
        const u = decodeMessage(c.raw, DEFAULT_CONTEXT).message as UpdateMessage
        for (const got of [all.data('UPDATE')[i]!, stream.data('UPDATE')[i]!]) {
          expect(got.routes).toEqual(expectedRoutes(u))
          expect(got.attributes).toEqual(json(u.attributes.filter((a) => a.code !== 14 && a.code !== 15)))
          expect(got.peer).toBe(PEER.address)
          expect(got.type).toBe('UPDATE')
        }
      },
    )

    it('a socket without includeAll gets none of them: RIS Live carries unicast only', () => {
      expect(plain.data('UPDATE').map((d) => d.announcements)).toEqual([
        [{ next_hop: '127.0.0.11', prefixes: ['192.0.2.128/25'] }],
      ])
      expect(
        all
          .data('UPDATE')
          .map((d) => (d.routes as { announce: Json[] }).announce[0]?.family)
          .at(-1),
      ).toBe('ipv4-unicast')
    })
  },
)
