// MRT records built octet by octet for the cases the shared captures do not
// have: every BGP4MP subtype (LOCAL, ADDPATH, ET), AS4_PATH merging with and
// without AGGREGATOR, AS_SET and confederation segments, well-known and large
// communities, MED and LOCAL_PREF beyond 2^31, next hops of every length,
// withdrawals per family, TABLE_DUMP (both AFIs and bgpdump's 32-bit-AS
// subtypes), TABLE_DUMP_V2 with multicast, generic and ADDPATH subtypes,
// the legacy BGP type, malformed and truncated attributes, an UPDATE of more
// than 2000 prefixes and an AS path past 8000 characters. The bgpdump
// conformance test prints them with the real bgpdump and with ours.

const enc = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)))

export function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0)
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export const u8 = (v: number) => [v & 0xff]
export const u16 = (v: number) => [(v >>> 8) & 0xff, v & 0xff]
export const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]

export function ip(text: string): number[] {
  if (!text.includes(':')) return text.split('.').map(Number)
  const [head, tail = ''] = text.split('::') as [string, string?]
  const h = head ? head.split(':') : []
  const t = text.includes('::') && tail ? tail.split(':') : []
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return groups.flatMap((g) => u16(Number.parseInt(g, 16)))
}

/** An MRT record. */
export function record(
  type: number,
  subtype: number,
  body: Uint8Array | number[],
  ts = 1600000000,
  micros?: number,
): Uint8Array {
  const et = micros !== undefined
  return cat(u32(ts), u16(type), u16(subtype), u32(body.length + (et ? 4 : 0)), et ? u32(micros) : [], body)
}

export function attr(flags: number, code: number, value: Uint8Array | number[]): Uint8Array {
  const ext = value.length > 255 || (flags & 0x10) !== 0
  return cat([ext ? flags | 0x10 : flags, code], ext ? u16(value.length) : u8(value.length), value)
}

export function segment(type: number, asns: number[], width: 2 | 4 = 4): number[] {
  return [type, asns.length, ...asns.flatMap((a) => (width === 4 ? u32(a) : u16(a)))]
}

export function prefix(text: string, pathId?: number): number[] {
  const [addr, len] = text.split('/') as [string, string]
  const bits = Number(len)
  return [...(pathId !== undefined ? u32(pathId) : []), bits, ...ip(addr).slice(0, (bits + 7) >> 3)]
}

export function bgpMessage(type: number, body: Uint8Array | number[]): Uint8Array {
  return cat(new Array<number>(16).fill(0xff), u16(19 + body.length), [type], body)
}

export function update(withdrawn: number[], attrs: Uint8Array | number[], nlri: number[]): Uint8Array {
  return bgpMessage(2, cat(u16(withdrawn.length), withdrawn, u16(attrs.length), attrs, nlri))
}

export interface Peer {
  readonly peerAs: number
  readonly localAs: number
  readonly peer: string
  readonly local: string
}

export function bgp4mp(
  subtype: number,
  p: Peer,
  message: Uint8Array,
  ts = 1600000000,
  micros?: number,
): Uint8Array {
  const as4 = [4, 5, 7, 9, 11].includes(subtype)
  const v6 = p.peer.includes(':')
  const body = cat(
    as4 ? u32(p.peerAs) : u16(p.peerAs),
    as4 ? u32(p.localAs) : u16(p.localAs),
    u16(0),
    u16(v6 ? 2 : 1),
    ip(p.peer),
    ip(p.local),
    message,
  )
  return record(micros === undefined ? 16 : 17, subtype, body, ts, micros)
}

export function stateChange(
  subtype: number,
  p: Peer,
  from: number,
  to: number,
  ts = 1600000000,
  micros?: number,
): Uint8Array {
  const as4 = subtype === 5
  const v6 = p.peer.includes(':')
  const body = cat(
    as4 ? u32(p.peerAs) : u16(p.peerAs),
    as4 ? u32(p.localAs) : u16(p.localAs),
    u16(0),
    u16(v6 ? 2 : 1),
    ip(p.peer),
    ip(p.local),
    u16(from),
    u16(to),
  )
  return record(micros === undefined ? 16 : 17, subtype, body, ts, micros)
}

const ORIGIN = (v: number) => attr(0x40, 1, [v])
const NEXT_HOP = (a: string) => attr(0x40, 3, ip(a))
const MED = (v: number) => attr(0x80, 4, u32(v))
const LOCAL_PREF = (v: number) => attr(0x40, 5, u32(v))

export function craftedRecords(): Uint8Array[] {
  const v4: Peer = { peerAs: 64496, localAs: 65000, peer: '192.0.2.1', local: '192.0.2.254' }
  const v6: Peer = { peerAs: 64497, localAs: 65000, peer: '2001:db8::1', local: '2001:db8::fe' }
  const big: Peer = { peerAs: 4200000001, localAs: 65000, peer: '198.51.100.7', local: '198.51.100.1' }
  const out: Uint8Array[] = []
  const path4 = (segs: number[][]) => attr(0x40, 2, segs.flat())
  const path2 = (segs: number[][]) => attr(0x40, 2, segs.flat())
  const base4 = (asns: number[]) => cat(ORIGIN(0), path4([segment(2, asns)]), NEXT_HOP('192.0.2.1'))

  // 1. AS4 subtypes: sets, confederations, communities (named and not), large communities, aggregator, atomic.
  out.push(
    bgp4mp(
      4,
      v4,
      update(
        prefix('10.9.0.0/16'),
        cat(
          ORIGIN(1),
          path4([
            segment(3, [65010, 65011]),
            segment(2, [64496, 4200000000]),
            segment(1, [3, 4]),
            segment(4, [7, 8]),
            segment(2, [9]),
          ]),
          NEXT_HOP('192.0.2.1'),
          MED(4294967295),
          LOCAL_PREF(2147483648),
          attr(0x40, 6, []),
          attr(0xc0, 7, [...u32(4200000002), ...ip('192.0.2.9')]),
          attr(0xc0, 8, [
            ...u32(0xffffff01),
            ...u32(0xffffff02),
            ...u32(0xffffff03),
            ...u32(0xffff029a),
            ...u32(65000 * 65536 + 1),
          ]),
          attr(0xc0, 32, [...u32(4200000000), ...u32(1), ...u32(2), ...u32(65000), ...u32(3), ...u32(4)]),
          attr(0xc0, 99, [1, 2, 3]),
        ),
        [...prefix('10.0.0.0/8'), ...prefix('10.1.128.0/17'), ...prefix('10.13.0.0/13')],
      ),
      1600000001,
    ),
  )
  // 2. 2-octet session: AS4_PATH and AS4_AGGREGATOR merged (aggregator AS_TRANS).
  out.push(
    bgp4mp(
      1,
      v4,
      update(
        [],
        cat(
          ORIGIN(0),
          path2([segment(2, [64496, 23456, 23456, 64500], 2)]),
          NEXT_HOP('192.0.2.1'),
          attr(0xc0, 7, [...u16(23456), ...ip('192.0.2.10')]),
          attr(0xc0, 17, segment(2, [4200000003, 4200000004, 64500])),
          attr(0xc0, 18, [...u32(4200000005), ...ip('192.0.2.11')]),
        ),
        prefix('10.2.0.0/16'),
      ),
      1600000002,
    ),
  )
  // 3. The same with a real (non-AS_TRANS) AGGREGATOR: AS4_PATH ignored.
  out.push(
    bgp4mp(
      1,
      v4,
      update(
        [],
        cat(
          ORIGIN(2),
          path2([segment(2, [64496, 23456, 64500], 2)]),
          NEXT_HOP('192.0.2.1'),
          attr(0xc0, 7, [...u16(64499), ...ip('192.0.2.12')]),
          attr(0xc0, 17, segment(2, [4200000003, 64500])),
          attr(0xc0, 18, [...u32(4200000005), ...ip('192.0.2.13')]),
        ),
        prefix('10.3.0.0/16'),
      ),
    ),
  )
  // 4. AS4_PATH longer than AS_PATH: not merged; and a merge whose first segment is an AS_SET.
  out.push(
    bgp4mp(
      1,
      v4,
      update(
        [],
        cat(
          ORIGIN(0),
          path2([segment(2, [64496], 2)]),
          NEXT_HOP('192.0.2.1'),
          attr(0xc0, 17, segment(2, [1, 2, 3])),
        ),
        prefix('10.4.0.0/16'),
      ),
    ),
  )
  out.push(
    bgp4mp(
      1,
      v4,
      update(
        [],
        cat(
          ORIGIN(0),
          path2([segment(1, [64496, 64497], 2), segment(2, [23456, 23456, 23456], 2)]),
          NEXT_HOP('192.0.2.1'),
          attr(0xc0, 17, segment(2, [4200000007, 4200000008])),
        ),
        prefix('10.5.0.0/16'),
      ),
    ),
  )
  // 5. IPv6 peer: MP_REACH with global + link-local next hop, MP_UNREACH, plus IPv4 NLRI field.
  out.push(
    bgp4mp(
      4,
      v6,
      update(
        prefix('10.6.0.0/16'),
        cat(
          attr(0x90, 14, [
            ...u16(2),
            1,
            32,
            ...ip('2001:db8::1'),
            ...ip('fe80::1'),
            0,
            ...prefix('2001:db8:1::/48'),
            ...prefix('2001:db8:2::/47'),
          ]),
          attr(0x90, 15, [...u16(2), 1, ...prefix('2001:db8:3::/48')]),
          ORIGIN(0),
          path4([segment(2, [64497, 64510])]),
          NEXT_HOP('192.0.2.77'),
          LOCAL_PREF(100),
        ),
        prefix('10.7.0.0/16'),
      ),
      1600000003,
    ),
  )
  // 6. IPv4 peer announcing IPv6 (next hop IPv4-mapped, and one of 16 octets with a single zero group).
  out.push(
    bgp4mp(
      4,
      v4,
      update(
        [],
        cat(
          attr(0x90, 14, [...u16(2), 1, 16, ...ip('::ffff:c000:201'), 0, ...prefix('2001:db8:4::/48')]),
          ORIGIN(0),
          path4([segment(2, [64496])]),
        ),
        [],
      ),
    ),
  )
  out.push(
    bgp4mp(
      4,
      v4,
      update(
        [],
        cat(
          attr(0x90, 14, [...u16(2), 1, 16, ...ip('2001:db8:0:1:1:1:1:1'), 0, ...prefix('2001:db8:5::/48')]),
          ORIGIN(0),
          path4([segment(2, [64496])]),
        ),
        [],
      ),
    ),
  )
  // 7. MP IPv4 (RFC 8950 IPv6 next hop), MP IPv4 multicast with LOCAL_PREF ≥ 2^31 (bgpdump's %d), and a next hop of 12 octets.
  out.push(
    bgp4mp(
      4,
      v4,
      update(
        [],
        cat(
          attr(0x90, 14, [...u16(1), 1, 16, ...ip('2001:db8::99'), 0, ...prefix('10.8.0.0/16')]),
          ORIGIN(0),
          path4([segment(2, [64496])]),
          LOCAL_PREF(4000000000),
          MED(3000000000),
        ),
        [],
      ),
    ),
  )
  out.push(
    bgp4mp(
      4,
      v4,
      update(
        [],
        cat(
          attr(0x90, 14, [...u16(1), 2, 4, ...ip('192.0.2.5'), 0, ...prefix('224.1.0.0/16')]),
          ORIGIN(0),
          path4([segment(2, [64496])]),
          LOCAL_PREF(4000000000),
        ),
        [],
      ),
    ),
  )
  out.push(
    bgp4mp(
      4,
      v6,
      update(
        [],
        cat(
          attr(0x90, 14, [...u16(2), 1, 12, ...new Array(12).fill(1), 0, ...prefix('2001:db8:6::/48')]),
          ORIGIN(0),
          path4([segment(2, [64497])]),
        ),
        [],
      ),
    ),
  )
  // 8. ADDPATH, LOCAL and ET subtypes, with withdrawals in both families.
  out.push(
    bgp4mp(
      9,
      v4,
      update(prefix('10.10.0.0/16', 5), base4([64496, 1]), [
        ...prefix('10.11.0.0/16', 1),
        ...prefix('10.11.0.0/16', 2),
      ]),
    ),
  )
  out.push(bgp4mp(7, v4, update(prefix('10.12.0.0/16'), base4([65000]), prefix('10.13.0.0/16'))))
  out.push(
    bgp4mp(
      11,
      v4,
      update(prefix('10.14.0.0/16', 3), attr(0x90, 15, [...u16(2), 1, ...prefix('2001:db8:7::/48', 9)]), []),
    ),
  )
  out.push(bgp4mp(6, v6, update([], attr(0x90, 15, [...u16(2), 1, ...prefix('2001:db8:8::/48')]), [])))
  out.push(bgp4mp(7, v4, update([], attr(0x90, 15, [...u16(2), 1, ...prefix('2001:db8:9::/48')]), [])))
  out.push(bgp4mp(4, v4, update([], base4([64496, 2]), prefix('10.15.0.0/16')), 1600000004, 123))
  out.push(
    bgp4mp(
      10,
      v6,
      update(
        [],
        cat(
          attr(0x90, 14, [...u16(2), 1, 16, ...ip('2001:db8::2'), 0, ...prefix('2001:db8:a::/48', 4)]),
          ORIGIN(0),
          path2([segment(2, [64497], 2)]),
        ),
        [],
      ),
      1600000005,
      999999,
    ),
  )
  out.push(
    bgp4mp(
      1,
      big,
      update(
        [],
        cat(ORIGIN(0), path2([segment(2, [23456, 64500], 2)]), NEXT_HOP('198.51.100.7')),
        prefix('10.16.0.0/16'),
      ),
    ),
  )
  // 9. State changes of every kind, a bad one, and zebra's 8-octet form.
  out.push(stateChange(0, v4, 1, 2, 1600000006))
  out.push(stateChange(5, v6, 5, 6, 1600000007))
  out.push(stateChange(5, big, 6, 1, 1600000008, 42))
  out.push(record(16, 0, [...u16(64496), ...u16(65000), ...u16(3), ...u16(4)]))
  out.push(
    record(16, 0, [
      ...u16(64496),
      ...u16(65000),
      ...u16(0),
      ...u16(1),
      ...ip('192.0.2.1'),
      ...ip('192.0.2.254'),
      ...u16(1),
    ]),
  )
  // 10. Messages bgpdump counts but does not print (OPEN, KEEPALIVE, NOTIFICATION), and one it rejects (ROUTE-REFRESH).
  out.push(bgp4mp(4, v4, bgpMessage(1, [4, ...u16(64496), ...u16(90), ...ip('192.0.2.1'), 0])))
  out.push(bgp4mp(4, v4, bgpMessage(4, [])))
  out.push(bgp4mp(4, v4, bgpMessage(3, [6, 2])))
  out.push(bgp4mp(4, v4, bgpMessage(5, [0, 1, 0, 1])))
  // 11. Attribute oddities: no ORIGIN, no AS_PATH, no NEXT_HOP; an empty AS_PATH; a malformed AS_PATH;
  //     an unknown ORIGIN; a truncated attribute. (bgpdump aborts on a repeated attribute: none here.)
  out.push(bgp4mp(4, v4, update([], [], prefix('10.17.0.0/16'))))
  out.push(bgp4mp(4, v4, update([], cat(ORIGIN(0), attr(0x40, 2, [])), prefix('10.18.0.0/16'))))
  out.push(
    bgp4mp(
      4,
      v4,
      update([], cat(ORIGIN(7), attr(0x40, 2, [9, 1, 0, 0, 0, 1]), MED(1)), prefix('10.19.0.0/16')),
    ),
  )
  out.push(
    bgp4mp(
      4,
      v4,
      update([], cat(ORIGIN(0), path4([segment(2, [64496])]), [0x40, 3, 9, 1, 2]), prefix('10.20.0.0/16')),
    ),
  )
  // 12. Host bits, /0, /32, a prefix cut short at the end of the message.
  out.push(
    bgp4mp(
      4,
      v4,
      update([], base4([64496]), [...prefix('10.21.255.255/16'), 0, ...prefix('192.0.2.3/32'), 24, 10]),
    ),
  )
  // 13. More than 8192 prefixes in one (extended) message: bgpdump keeps 8192.
  {
    const many: number[] = []
    for (let i = 0; i < 8300; i++) many.push(16, 20 + (i >> 8), i & 0xff)
    out.push(bgp4mp(4, v4, update([], base4([64496]), many)))
  }
  // 14. An AS path past bgpdump's 8000 characters.
  {
    const segs: number[][] = []
    for (let s = 0; s < 3; s++)
      segs.push(
        segment(
          2,
          Array.from({ length: 250 }, (_, i) => 4000000000 + s * 1000 + i),
        ),
      )
    out.push(
      bgp4mp(4, v4, update([], cat(ORIGIN(0), path4(segs), NEXT_HOP('192.0.2.1')), prefix('10.22.0.0/16'))),
    )
  }
  // 15. TABLE_DUMP: IPv4, IPv6 (MP_REACH short form), and bgpdump's 32-bit-AS subtypes 3 and 4.
  const td = (subtype: number, pfx: string, len: number, peer: string, peerAs: number[], attrs: Uint8Array) =>
    record(
      12,
      subtype,
      cat(u16(0), u16(7), ip(pfx), [len, 1], u32(1599990000), ip(peer), peerAs, u16(attrs.length), attrs),
      1600000100,
    )
  out.push(
    td(
      1,
      '10.23.0.0',
      16,
      '192.0.2.1',
      u16(64496),
      cat(
        ORIGIN(0),
        path2([segment(2, [64496, 23456], 2)]),
        NEXT_HOP('192.0.2.1'),
        attr(0xc0, 17, segment(2, [64496, 4200000009])),
      ),
    ),
  )
  out.push(
    td(
      2,
      '2001:db8:b::',
      48,
      '2001:db8::1',
      u16(64497),
      cat(ORIGIN(0), path2([segment(2, [64497], 2)]), attr(0x80, 14, [16, ...ip('2001:db8::1')])),
    ),
  )
  out.push(
    td(
      3,
      '10.24.0.0',
      16,
      '192.0.2.1',
      u32(4200000001),
      cat(ORIGIN(0), path4([segment(2, [4200000001])]), NEXT_HOP('192.0.2.1')),
    ),
  )
  out.push(
    td(
      4,
      '2001:db8:c::',
      48,
      '2001:db8::1',
      u32(4200000001),
      cat(ORIGIN(0), path4([segment(2, [4200000001])])),
    ),
  )
  // 16. TABLE_DUMP_V2: a peer table (IPv4, IPv6, AS4 peers), unicast, multicast, generic and ADDPATH RIBs.
  {
    const peers = [
      [0, ...ip('192.0.2.1'), ...ip('192.0.2.1'), ...u16(64496)],
      [3, ...ip('192.0.2.2'), ...ip('2001:db8::1'), ...u32(4200000001)],
      [2, ...ip('192.0.2.3'), ...ip('198.51.100.7'), ...u32(64499)],
    ]
    out.push(
      record(13, 1, cat(ip('192.0.2.254'), u16(4), enc('test'), u16(peers.length), ...peers), 1600000200),
    )
    const entry = (peerIndex: number, attrs: Uint8Array, pathId?: number) =>
      cat(
        u16(peerIndex),
        u32(1599999000 + peerIndex),
        pathId !== undefined ? u32(pathId) : [],
        u16(attrs.length),
        attrs,
      )
    const rib = (subtype: number, nlri: number[], entries: Uint8Array[], generic?: [number, number]) =>
      record(
        13,
        subtype,
        cat(u32(77), generic ? [...u16(generic[0]), generic[1]] : [], nlri, u16(entries.length), ...entries),
        1600000200,
      )
    const a4 = cat(
      ORIGIN(0),
      path4([segment(2, [64496, 1, 2])]),
      NEXT_HOP('192.0.2.1'),
      MED(10),
      attr(0xc0, 8, u32(65000 * 65536 + 7)),
    )
    out.push(
      rib(2, prefix('10.25.0.0/16'), [
        entry(0, a4),
        entry(1, cat(ORIGIN(1), path4([segment(2, [4200000001])]), NEXT_HOP('192.0.2.2'))),
        entry(2, a4),
      ]),
    )
    const a6short = cat(
      ORIGIN(0),
      path4([segment(2, [4200000001, 5])]),
      attr(0x80, 14, [32, ...ip('2001:db8::1'), ...ip('fe80::2')]),
    )
    const a6full = cat(
      ORIGIN(0),
      path4([segment(2, [64496, 6])]),
      attr(0x80, 14, [...u16(2), 1, 16, ...ip('2001:db8::3'), 0, ...prefix('2001:db8:d::/48')]),
    )
    const a6v4 = cat(ORIGIN(0), path4([segment(2, [64496, 6])]), attr(0x80, 14, [4, ...ip('192.0.2.1')]))
    out.push(rib(4, prefix('2001:db8:d::/48'), [entry(1, a6short), entry(0, a6full), entry(2, a6v4)]))
    out.push(rib(3, prefix('224.2.0.0/16'), [entry(0, a4)]))
    out.push(rib(6, [...u16(1), 128, 112, ...u32(0), ...u32(0), 0, 0, 0, 10, 26], [entry(0, a4)]))
    out.push(rib(8, prefix('10.26.0.0/16'), [entry(0, a4, 1), entry(0, a4, 2), entry(2, a4, 1)]))
    out.push(rib(10, prefix('2001:db8:e::/48'), [entry(1, a6short, 7)]))
  }
  // 17. The legacy BGP type 5: update with communities (bgpdump glues them to the MED), withdrawal, state change, keepalive.
  {
    const legacy = (subtype: number, body: Uint8Array | number[]) => record(5, subtype, body, 946684800)
    const head = [...u16(64496), ...ip('192.0.2.1'), ...u16(65000), ...ip('192.0.2.254')]
    const attrs = cat(
      ORIGIN(0),
      path2([segment(2, [64496, 2], 2)]),
      NEXT_HOP('192.0.2.1'),
      MED(5),
      attr(0xc0, 8, [...u32(64496 * 65536 + 1), ...u32(0xffffff01)]),
    )
    out.push(
      legacy(
        1,
        cat(
          head,
          u16(3),
          prefix('10.27.0.0/16'),
          u16(attrs.length),
          attrs,
          prefix('10.28.0.0/16'),
          prefix('10.29.0.0/24'),
        ),
      ),
    )
    out.push(legacy(3, [...u16(64496), ...ip('192.0.2.1'), ...u16(3), ...u16(6)]))
    out.push(legacy(7, cat(head)))
  }
  // 18. Records bgpdump skips: an unknown type, OSPFv2.
  out.push(record(99, 1, [1, 2, 3]))
  out.push(record(11, 0, [...ip('192.0.2.1'), ...ip('192.0.2.2'), 2, 1]))
  return out
}
