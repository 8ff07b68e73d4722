// The MRT writer: every record of the testdata re-encoded from its parsed
// fields is the same octets; `mrt convert` output decodes the same and the
// real bgpdump prints the same for it; the updates writer and the RIB-dump
// writer produce files the real bgpdump reads as the lines we expect, with
// MP_REACH_NLRI reduced as RFC 6396 §4.3.4 says; output keeps memory flat.

import { readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  attributeListSize,
  type CodecContext,
  codecContext,
  encodeAttributeList,
  encodeMessage,
  type IpPrefixNlri,
  type Nlri,
  type PathAttribute,
  toJson,
} from '../../collector/src/bgp/index.ts'
import {
  decodeRecord,
  encodeRecord,
  MrtOutput,
  MrtRibWriter,
  MrtUpdatesWriter,
  mrtSession,
  parseRecord,
  prefixNlri,
} from '../../collector/src/mrt/index.ts'
import { writer } from '../../collector/src/wire/writer.ts'
import { convert, verifySame } from '../../tools/mrt/convert.ts'
import { bgpdump, mrtFiles, ours, records, requireTestdata, requireTools, tempDir } from './support.ts'

const testdata = requireTestdata('mrt writer')
const files = testdata ? mrtFiles(testdata) : []
const haveBgpdump = requireTools('mrt writer', 'bgpdump')
const file = (suffix: string) => files.find((f) => f.endsWith(suffix))!
const dir = tempDir('writer')

const v6nlri = (...prefixes: string[]): Nlri[] => prefixes.map((prefix): IpPrefixNlri => ({ prefix }))

function attributes(list: PathAttribute[], ctx: CodecContext = codecContext()): Uint8Array {
  const out = new Uint8Array(attributeListSize(list, ctx))
  encodeAttributeList(writer(out), list, ctx)
  return out
}

describe('MRT writer', () => {
  it.runIf(testdata).each(files.map((f) => [basename(f), f]))(
    '%s: every record re-encoded from its parsed fields is the same octets',
    async (_name, file) => {
      for (const rec of await records(file)) {
        const again = encodeRecord({
          timestamp: rec.timestamp,
          ...(rec.microseconds !== undefined ? { microseconds: rec.microseconds } : {}),
          type: rec.type,
          subtype: rec.subtype,
          body: parseRecord(rec),
        })
        if (Buffer.compare(again, rec.raw) !== 0)
          expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(rec.raw).toString('hex'))
      }
    },
  )

  it.runIf(testdata && haveBgpdump).each(files.map((f) => [basename(f), f]))(
    '%s: mrt convert → read back decodes the same, and bgpdump prints the same for both files',
    async (name, file) => {
      const out = join(dir, `${name}.converted.mrt`)
      const r = await convert({ input: file, output: out })
      expect(r.read).toBe(r.written)
      expect(await verifySame(file, out)).toEqual({ records: r.read, different: 0, changedOctets: 0 })
      expect(bgpdump(['-m', out])).toBe(bgpdump(['-m', file]))
    },
  )

  it.runIf(testdata && haveBgpdump)(
    'converts to gzip, and splits an updates file by time window',
    async () => {
      const file = files.find((f) => f.endsWith('updates.20071015.1505.gz'))!
      const gz = join(dir, 'converted.mrt.gz')
      await convert({ input: file, output: gz })
      expect(readFileSync(gz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
      expect(bgpdump(['-m', gz])).toBe(bgpdump(['-m', file]))
      const split = join(dir, 'split')
      const r = await convert({ input: file, output: split, splitSeconds: 60, gzip: false })
      expect(r.files.map((f) => basename(f))).toEqual([
        'updates.20071015.1505',
        'updates.20071015.1506',
        'updates.20071015.1507',
        'updates.20071015.1508',
        'updates.20071015.1509',
      ])
      const parts = r.files.map((f) => bgpdump(['-m', f]))
      expect(parts.join('')).toBe(bgpdump(['-m', file]))
      for (const [i, f] of r.files.entries()) {
        const times = (await records(f)).map((x) => Math.floor(x.timestamp / 60))
        expect(new Set(times), f).toEqual(new Set([Math.floor(1192460700 / 60) + i]))
      }
    },
  )

  it.runIf(testdata)('convert refuses to write over its input', async () => {
    const copy = join(dir, 'copy.mrt')
    writeFileSync(copy, readFileSync(file('quagga_rib.mrt')))
    await expect(convert({ input: copy, output: copy })).rejects.toThrow(`the output ${copy} is the input`)
    expect((await records(copy)).length).toBe(7)
  })

  it.runIf(haveBgpdump)(
    'updates writer: BGP4MP_ET MESSAGE_AS4[_ADDPATH] and STATE_CHANGE_AS4 that bgpdump reads',
    async () => {
      const file = join(dir, 'updates.mrt.gz')
      const w = new MrtUpdatesWriter(file)
      const v4 = mrtSession({
        peerAddress: '192.0.2.1',
        peerAs: 4200000001,
        localAddress: '192.0.2.254',
        localAs: 65000,
      })
      const v6 = mrtSession({
        peerAddress: '2001:db8::1',
        peerAs: 64497,
        localAddress: '2001:db8::fe',
        localAs: 65000,
      })
      // A 2-octet session, and an IPv4 peer on an IPv6 listener (IPv4-mapped addresses).
      const old = mrtSession({
        peerAddress: '::ffff:198.51.100.7',
        peerAs: 4200000002,
        localAddress: '::ffff:198.51.100.1',
        localAs: 65000,
        asn4: false,
      })
      const t = 1700000000_000000
      const ctx4 = codecContext()
      const update = encodeMessage(
        {
          type: 'UPDATE',
          withdrawn: [{ prefix: '10.9.0.0/16' }],
          attributes: [
            { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
            {
              code: 2,
              flags: 0x40,
              name: 'AS_PATH',
              value: [{ type: 'AS_SEQUENCE', asns: [4200000001, 13335] }],
            },
            { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' },
            { code: 8, flags: 0xc0, name: 'COMMUNITIES', value: ['13335:1'] },
          ],
          nlri: [{ prefix: '10.0.0.0/8' }],
        },
        ctx4,
      )
      const addPath = encodeMessage(
        {
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
                nextHop: ['2001:db8::1', 'fe80::1'],
                nlri: [{ prefix: '2001:db8:1::/48', pathId: 7 } as Nlri],
              },
            },
            { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
            { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64497] }] },
          ],
          nlri: [],
        },
        { ...ctx4, addPath: { has: () => true } },
      )
      const twoOctet = encodeMessage(
        {
          type: 'UPDATE',
          withdrawn: [],
          attributes: [
            { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
            { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [23456, 64500] }] },
            { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '198.51.100.7' },
            {
              code: 17,
              flags: 0xc0,
              name: 'AS4_PATH',
              value: [{ type: 'AS_SEQUENCE', asns: [4200000002, 64500] }],
            },
          ],
          nlri: [{ prefix: '10.2.0.0/16' }],
        },
        codecContext({ asn4: false }),
      )
      expect(w.stateChange(v4, t, 5, 6)).toBe(true)
      w.message(v4, t + 1500, update)
      w.message(v6, t + 2_000_001, addPath, { addPath: true })
      w.message(v4, t + 3_000_000, update, { sent: true })
      w.message(old, t + 4_000_000, twoOctet)
      w.stateChange(v6, t + 5_000_000, 6, 1)
      await w.close()
      expect(bgpdump(['-m', file]).split('\n')).toEqual([
        'BGP4MP_ET|1700000000.000000|STATE|192.0.2.1|4200000001|5|6',
        'BGP4MP_ET|1700000000.001500|W|192.0.2.1|4200000001|10.9.0.0/16',
        'BGP4MP_ET|1700000000.001500|A|192.0.2.1|4200000001|10.0.0.0/8|4200000001 13335|IGP|192.0.2.1|0|0|13335:1|NAG||',
        'BGP4MP_ET_AP|1700000002.000001|A|2001:db8::1|64497|2001:db8:1::/48|7|64497|IGP|2001:db8::1|0|0||NAG||',
        'BGP4MP_ET_LOCAL|1700000003.000000|W|192.0.2.1|4200000001|10.9.0.0/16',
        'BGP4MP_ET_LOCAL|1700000003.000000|A|192.0.2.1|4200000001|10.0.0.0/8|4200000001 13335|IGP|192.0.2.1|0|0|13335:1|NAG||',
        'BGP4MP_ET|1700000004.000000|A|198.51.100.7|23456|10.2.0.0/16|4200000002 64500|IGP|198.51.100.7|0|0||NAG||',
        'BGP4MP_ET|1700000005.000000|STATE|2001:db8::1|64497|6|1',
        '',
      ])
      const back = (await records(file)).map((r) => JSON.parse(toJson(decodeRecord(r))))
      expect(
        back.map((d) => [
          d.type,
          d.subtype,
          d.microseconds,
          d.peerAddress,
          d.localAddress,
          d.peerAs,
          d.direction,
        ]),
      ).toEqual([
        ['BGP4MP_ET', 'STATE_CHANGE_AS4', 0, '192.0.2.1', '192.0.2.254', 4200000001, undefined],
        ['BGP4MP_ET', 'MESSAGE_AS4', 1500, '192.0.2.1', '192.0.2.254', 4200000001, undefined],
        ['BGP4MP_ET', 'MESSAGE_AS4_ADDPATH', 1, '2001:db8::1', '2001:db8::fe', 64497, undefined],
        ['BGP4MP_ET', 'MESSAGE_AS4_LOCAL', 0, '192.0.2.1', '192.0.2.254', 4200000001, 'sent'],
        ['BGP4MP_ET', 'MESSAGE', 0, '198.51.100.7', '198.51.100.1', 23456, undefined],
        ['BGP4MP_ET', 'STATE_CHANGE_AS4', 0, '2001:db8::1', '2001:db8::fe', 64497, undefined],
      ])
      expect(back[2].message.attributes[0].value.nlri).toEqual([{ prefix: '2001:db8:1::/48', pathId: 7 }])
    },
  )

  it.runIf(haveBgpdump)(
    'RIB writer: TABLE_DUMP_V2 with abbreviated MP_REACH, ADDPATH records and RIB_GENERIC',
    async () => {
      const file = join(dir, 'rib.mrt')
      const w = new MrtRibWriter(file, {
        timestamp: 1700000000,
        collectorBgpId: '192.0.2.254',
        viewName: 'rl',
        peers: [
          { address: '192.0.2.1', asn: 64496, bgpId: '192.0.2.1' },
          { address: '2001:db8::1', asn: 4200000001, bgpId: '192.0.2.2' },
        ],
      })
      const base: PathAttribute[] = [
        { code: 1, flags: 0x40, name: 'ORIGIN', value: 'igp' },
        { code: 2, flags: 0x40, name: 'AS_PATH', value: [{ type: 'AS_SEQUENCE', asns: [64496, 13335] }] },
      ]
      const v4attrs = attributes([...base, { code: 3, flags: 0x40, name: 'NEXT_HOP', value: '192.0.2.1' }])
      // As received in an UPDATE: MP_REACH_NLRI with its NLRI (several prefixes), and an MP_UNREACH_NLRI.
      const received = attributes([
        {
          code: 14,
          flags: 0x90,
          name: 'MP_REACH_NLRI',
          value: {
            afi: 2,
            safi: 1,
            family: 'ipv6-unicast',
            nextHop: ['2001:db8::1', 'fe80::1'],
            nlri: v6nlri('2001:db8:1::/48', '2001:db8:2::/48'),
          },
        },
        {
          code: 15,
          flags: 0x80,
          name: 'MP_UNREACH_NLRI',
          value: { afi: 2, safi: 1, family: 'ipv6-unicast', nlri: v6nlri('2001:db8:9::/48') },
        },
        ...base,
        { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['13335:1:2'] },
      ])
      // The Adj-RIB-In's form: attributes without MP_REACH_NLRI, the next hop apart.
      const stored = attributes([
        ...base,
        { code: 32, flags: 0xc0, name: 'LARGE_COMMUNITY', value: ['13335:1:3'] },
      ])
      w.add({
        afi: 1,
        safi: 1,
        prefix: '10.0.0.0/8',
        entries: [{ peerIndex: 0, originatedTime: 1699990000, attributes: v4attrs }],
      })
      w.add({
        afi: 2,
        safi: 1,
        prefix: '2001:db8:1::/48',
        entries: [
          { peerIndex: 1, originatedTime: 1699990001, attributes: received },
          {
            peerIndex: 1,
            originatedTime: 1699990002,
            pathId: 3,
            attributes: stored,
            nextHop: Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2]),
          },
        ],
      })
      // An IPv4 VPN route (RIB_GENERIC): labels 16, RD 65000:1, 10.1.0.0/16.
      const vpnNlri = Uint8Array.from([24 + 64 + 16, 0x00, 0x01, 0x01, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 10, 1])
      w.add({
        afi: 1,
        safi: 128,
        nlri: vpnNlri,
        entries: [{ peerIndex: 0, originatedTime: 1699990003, attributes: v4attrs }],
      })
      await w.close()
      const recs = await records(file)
      expect(recs.map((r) => `${r.type}/${r.subtype}`)).toEqual(['13/1', '13/2', '13/4', '13/10', '13/6'])
      expect(
        recs.map((r) => parseRecord(r)).flatMap((b) => (b.kind === 'RIB' ? [b.rib.sequence] : [])),
      ).toEqual([0, 1, 2, 3])
      const six = decodeRecord(recs[2]!) as unknown as {
        entries: { attributes: PathAttribute[]; mpReachAbbreviated?: true }[]
      }
      // MP_UNREACH_NLRI is gone, MP_REACH_NLRI is next hop only (RFC 6396 §4.3.4), the rest as received.
      expect(six.entries[0]!.attributes.map((a) => a.name)).toEqual([
        'MP_REACH_NLRI',
        'ORIGIN',
        'AS_PATH',
        'LARGE_COMMUNITY',
      ])
      // The flags are the peer's, Extended Length included.
      expect(six.entries[0]!.attributes[0]).toEqual({
        code: 14,
        flags: 0x90,
        name: 'MP_REACH_NLRI',
        value: { afi: 2, safi: 1, family: 'ipv6-unicast', nextHop: ['2001:db8::1', 'fe80::1'], nlri: [] },
      })
      expect(six.entries[0]!.mpReachAbbreviated).toBe(true)
      const body = parseRecord(recs[2]!)
      expect(
        body.kind === 'RIB' && Buffer.from(body.rib.entries[0]!.attributes.subarray(0, 4)).toString('hex'),
      ).toBe('900e0021')
      const ap = decodeRecord(recs[3]!) as unknown as {
        entries: { pathId: number; attributes: PathAttribute[] }[]
      }
      expect(ap.entries.map((e) => [e.pathId, e.attributes.map((a) => a.name)])).toEqual([
        [3, ['ORIGIN', 'AS_PATH', 'MP_REACH_NLRI', 'LARGE_COMMUNITY']],
      ])
      expect(bgpdump(['-m', '-l', file]).split('\n')).toEqual([
        'TABLE_DUMP2|1700000000|B|192.0.2.1|64496|10.0.0.0/8|64496 13335|IGP|192.0.2.1|0|0|||NAG||',
        'TABLE_DUMP2|1700000000|B|2001:db8::1|4200000001|2001:db8:1::/48|64496 13335|IGP|2001:db8::1|0|0||13335:1:2|NAG||',
        'TABLE_DUMP2_AP|1700000000|B|2001:db8::1|4200000001|2001:db8:1::/48|3|64496 13335|IGP|2001:db8::2|0|0||13335:1:3|NAG||',
        '',
      ])
      expect(await ours(file, { largeCommunities: true })).toBe(bgpdump(['-m', '-l', file]))
    },
  )

  it('RIB writer: the full MP_REACH_NLRI form carries the prefix as its NLRI', async () => {
    const file = join(dir, 'rib-full.mrt.gz')
    const w = new MrtRibWriter(file, {
      timestamp: 1700000000,
      peers: [{ address: '2001:db8::1', asn: 64497 }],
      mpReach: 'full',
    })
    const nh = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1])
    w.add({
      afi: 2,
      safi: 1,
      prefix: '2001:db8:5::/48',
      entries: [
        {
          peerIndex: 0,
          originatedTime: 1,
          attributes: attributes([{ code: 1, flags: 0x40, name: 'ORIGIN', value: 'egp' }]),
          nextHop: nh,
        },
      ],
    })
    await w.close()
    expect(gunzipSync(readFileSync(file)).subarray(0, 4)).toEqual(Buffer.from([0x65, 0x53, 0xf1, 0x00]))
    const [, rec] = await records(file)
    expect(JSON.parse(toJson(decodeRecord(rec!)))).toEqual({
      type: 'TABLE_DUMP_V2',
      subtype: 'RIB_IPV6_UNICAST',
      timestamp: 1700000000,
      sequence: 0,
      family: 'ipv6-unicast',
      afi: 2,
      safi: 1,
      prefix: '2001:db8:5::/48',
      entries: [
        {
          peerIndex: 0,
          peerAddress: '2001:db8::1',
          peerAs: 64497,
          originatedTime: 1,
          attributes: [
            { code: 1, flags: 64, name: 'ORIGIN', value: 'egp' },
            {
              code: 14,
              flags: 128,
              name: 'MP_REACH_NLRI',
              value: {
                afi: 2,
                safi: 1,
                family: 'ipv6-unicast',
                nextHop: ['2001:db8::1'],
                nlri: [{ prefix: '2001:db8:5::/48' }],
              },
            },
          ],
        },
      ],
    })
    expect(prefixNlri('2001:db8:5::/48', 2)).toEqual(Uint8Array.from([48, 0x20, 0x01, 0x0d, 0xb8, 0, 5]))
  })

  it('writes with backpressure: the stream never holds more than a few blocks', async () => {
    let held = 0
    let maxHeld = 0
    let written = 0
    const slow = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        held = slow.writableLength
        maxHeld = Math.max(maxHeld, held)
        written += chunk.length
        setImmediate(done)
      },
    })
    const out = new MrtOutput(slow, { blockSize: 1 << 16 })
    const w = new MrtUpdatesWriter(out)
    const s = mrtSession({
      peerAddress: '192.0.2.1',
      peerAs: 64496,
      localAddress: '192.0.2.254',
      localAs: 65000,
    })
    const msg = new Uint8Array(4096).fill(0xff)
    msg[16] = 0x10
    msg[17] = 0x00
    msg[18] = 2
    let waits = 0
    for (let i = 0; i < 20000; i++) {
      if (!w.message(s, 1e15 + i, msg)) {
        waits++
        await w.drain()
      }
    }
    await w.close()
    expect(written).toBe(20000 * (16 + 20 + 4096))
    expect(waits).toBeGreaterThan(100)
    expect(maxHeld).toBeLessThan(4 << 16)
  })
})
