// Crafted UPDATEs for the filter tests, each told apart by its first prefix,
// and the BGP sessions that send them (scripted speakers on 127.0.0.x / ::1).

import {
  DEFAULT_CONTEXT,
  encodeMessage,
  type PathAttribute,
  type UpdateMessage,
} from '../../collector/src/bgp/index.ts'
import { mp, open, ScriptedSpeaker } from '../sessions/scripted-speaker.ts'

export interface Crafted {
  readonly label: string
  readonly peer: 'A' | 'B'
  readonly message: UpdateMessage
}

type Seg = number | number[]

function asPath(path: Seg[]): PathAttribute {
  const segments: { type: 'AS_SEQUENCE' | 'AS_SET'; asns: number[] }[] = []
  for (const x of path) {
    if (Array.isArray(x)) segments.push({ type: 'AS_SET', asns: x })
    else {
      const last = segments[segments.length - 1]
      if (last?.type === 'AS_SEQUENCE') last.asns.push(x)
      else segments.push({ type: 'AS_SEQUENCE', asns: [x] })
    }
  }
  return { code: 2, flags: 0x40, name: 'AS_PATH', value: segments }
}

function v4(path: Seg[], nextHop: string, prefixes: string[], extra: PathAttribute[] = []): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
      asPath(path),
      { code: 3, flags: 0x40, name: 'NEXT_HOP', value: nextHop },
      ...extra,
    ],
    nlri: prefixes.map((prefix) => ({ prefix })),
  }
}

function v6(path: Seg[], nextHop: string[], prefixes: string[], extra: PathAttribute[] = []): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: {
          afi: 2,
          safi: 1,
          family: 'ipv6-unicast',
          nextHop,
          nlri: prefixes.map((prefix) => ({ prefix })),
        },
      },
      { code: 1, flags: 0x40, name: 'ORIGIN', value: 'incomplete' },
      asPath(path),
      ...extra,
    ],
    nlri: [],
  }
}

function withdraw4(prefixes: string[]): UpdateMessage {
  return { type: 'UPDATE', withdrawn: prefixes.map((prefix) => ({ prefix })), attributes: [], nlri: [] }
}

function withdraw6(prefixes: string[]): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        code: 15,
        flags: 0x90,
        name: 'MP_UNREACH_NLRI',
        value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: prefixes.map((prefix) => ({ prefix })) },
      },
    ],
    nlri: [],
  }
}

export const PEER_A = { address: '127.0.0.11', asn: 64511 }
export const PEER_B = { address: '127.0.0.12', asn: 64512 }

/** Eight UPDATEs, A's then B's; comments say what each is for. */
export const CRAFTED: readonly Crafted[] = [
  {
    label: 'M1',
    peer: 'A',
    message: v4(
      [64511, 123, 456, 789],
      '127.0.0.11',
      ['192.0.2.0/24', '198.51.100.0/24'],
      [
        { code: 4, flags: 0x80, name: 'MULTI_EXIT_DISC', value: 10 },
        { code: 7, flags: 0xc0, name: 'AGGREGATOR', value: { asn: 789, address: '192.0.2.9' } },
        { code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['64511:1', 'NO_EXPORT'] },
        { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['64511:1:2'] },
        { code: 5, flags: 0x40, name: 'LOCAL_PREF', value: 150 },
      ],
    ),
  },
  { label: 'M2', peer: 'A', message: v4([64511, 3333, 789], '127.0.0.11', ['192.0.2.128/25']) },
  { label: 'M3', peer: 'A', message: withdraw4(['192.0.2.0/24']) },
  {
    label: 'M4',
    peer: 'A',
    message: v6(
      [64511, 123, 456, 789, [10111, 789]],
      ['2001:db8::11', 'fe80::11'],
      ['2001:db8:100::/40', '2001:db8:200::/40'],
      [{ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['64511:2'] }],
    ),
  },
  { label: 'M5', peer: 'A', message: withdraw6(['2001:db8:100:1::/64']) },
  { label: 'M6', peer: 'B', message: v4([64512, 6666], '127.0.0.12', ['203.0.113.0/24']) },
  { label: 'M7', peer: 'B', message: v4([64512, 123, 456, 6666], '127.0.0.12', ['10.0.0.0/8']) },
  { label: 'M8', peer: 'B', message: v6([64512, 789], ['2001:db8::12'], ['2001:db8::/32']) },
]

/** The label of a ris_message UPDATE's data: which crafted message it is. */
export function labelOf(d: Record<string, unknown>): string {
  const ann = d.announcements as { prefixes: string[] }[]
  const first = ann[0]?.prefixes[0]
  const key = first ? `a:${first}` : `w:${(d.withdrawals as string[])[0]}`
  return LABELS.get(key) ?? `unknown ${key}`
}

function firstPrefix(list: readonly object[]): string {
  return (list[0] as { prefix: string }).prefix
}

const LABELS = new Map<string, string>(
  CRAFTED.map((c) => {
    const m = c.message
    let key = m.nlri.length
      ? `a:${firstPrefix(m.nlri)}`
      : m.withdrawn.length
        ? `w:${firstPrefix(m.withdrawn)}`
        : ''
    for (const a of m.attributes) {
      if (a.name === 'MP_REACH_NLRI') key = `a:${firstPrefix(a.value.nlri)}`
      if (a.name === 'MP_UNREACH_NLRI') key = `w:${firstPrefix(a.value.nlri)}`
    }
    return [key, c.label]
  }),
)

/** The wire octets of a crafted message (4-octet AS, no ADD-PATH: what the session negotiates). */
export function craftedOctets(c: Crafted): Uint8Array {
  return encodeMessage(c.message, DEFAULT_CONTEXT)
}

/** A scripted BGP speaker brought to Established with the collector. */
export async function establish(
  port: number,
  local: { address: string; asn: number },
  host = '127.0.0.1',
): Promise<ScriptedSpeaker> {
  const s = await ScriptedSpeaker.connect(port, local.address, host)
  s.send(
    open(local.asn, local.address.includes(':') ? '192.0.2.66' : local.address, [
      mp(1, 1, 'ipv4-unicast'),
      mp(2, 1, 'ipv6-unicast'),
    ]),
  )
  await s.next('OPEN')
  await s.next('KEEPALIVE')
  s.send({ type: 'KEEPALIVE' })
  return s
}

/** n more UPDATEs, one /24 each in 100.64.0.0/10 from `start`, AS path [asn, 64999]. */
export function bulk(n: number, asn: number, nextHop: string, start = 0): UpdateMessage[] {
  const out: UpdateMessage[] = []
  for (let i = start; i < start + n; i++) {
    out.push(v4([asn, 64999], nextHop, [`100.${64 + ((i >> 8) & 63)}.${i & 255}.0/24`]))
  }
  return out
}
