// Every MRT file of the shared testdata: read whole (every record parsed and
// decoded to the JSON form without an error), printed by `--format bgpdump`
// exactly as Debian's bgpdump 1.6.2 printed it (the stored .bgpdump.txt), and
// framed identically whatever the chunking of the input.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { toJson } from '../../collector/src/bgp/index.ts'
import { decodeRecord, MrtReader, parseRecord } from '../../collector/src/mrt/index.ts'
import { repoRoot } from '../../collector/test-support/testdata.ts'
import { mrtFiles, ours, records, requireTestdata } from './support.ts'

const testdata = requireTestdata('mrt testdata')
const files = testdata ? mrtFiles(testdata) : []

describe('MRT testdata', () => {
  it.runIf(testdata)('has the 17 MRT files the manifest lists', () => {
    expect(files.map((f) => basename(f))).toEqual([
      'bview.ipv4_unicast_add_path.gz',
      'updates.20020722.2238.gz',
      'updates.20071015.1505.gz',
      'updates.nlri_mask_trailing_bits.gz',
      'rrc00.updates.20000102.2014.gz',
      'rrc01.updates.20001104.0124.gz',
      'rrc03.updates.20100227.1600.first-796-records.gz',
      'updates.bz2',
      'routeviews.route-views.jinx.updates.1427846400.bz2',
      'bird-mrtdump_bgp.mrt',
      'bird-mrtdump_rib.mrt',
      'bird_bgp.mrt',
      'openbgpd_bgp.mrt',
      'openbgpd_rib_table-v2.mrt',
      'openbgpd_rib_table.mrt',
      'quagga_bgp.mrt',
      'quagga_rib.mrt',
    ])
  })

  it.runIf(testdata).each(files.map((f) => [basename(f), f]))(
    '%s: every record parses and decodes, and the record counts are the manifest’s',
    async (_name, file) => {
      const counts = new Map<string, number>()
      for await (const rec of new MrtReader(file)) {
        const d = decodeRecord(rec)
        counts.set(`${d.type}/${d.subtype}`, (counts.get(`${d.type}/${d.subtype}`) ?? 0) + 1)
      }
      const manifest = readFileSync(join(testdata!, 'MANIFEST.md'), 'utf8')
      const line = manifest
        .split('\n')
        .find((l) => l.startsWith(`* \`mrt/`) && l.includes(`/${basename(file)}\` (`))!
      const listed = /records=\d+: ([^—]+) —/.exec(line)![1]!.trim()
      const want = new Map(
        listed.split(', ').map((kv) => {
          const [k, v] = kv.split('=') as [string, string]
          // The manifest writes BGP4MP/MESSAGE where we name the subtype MESSAGE, and 5/1 for the legacy type.
          const [t, s] = k.split('/') as [string, string]
          const names: Record<string, string> = {
            '1': 'BGP_UPDATE',
            '3': 'BGP_STATE_CHANGE',
            '7': 'BGP_KEEPALIVE',
          }
          return [t === '5' ? `BGP/${names[s]}` : k, Number(v)] as const
        }),
      )
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(want))
    },
  )

  it.runIf(testdata).each(files.map((f) => [basename(f), f]))(
    '%s: --format bgpdump equals bgpdump 1.6.2 -m byte for byte',
    async (_name, file) => {
      expect(await ours(file)).toBe(readFileSync(`${file}.bgpdump.txt`, 'latin1'))
    },
  )

  it.runIf(testdata)('the CLI prints the same as the formatter (routelake mrt -m)', () => {
    const file = files.find((f) => f.endsWith('updates.20071015.1505.gz'))!
    const out = execFileSync(process.execPath, [join(repoRoot, 'bin/routelake.js'), 'mrt', '-m', file], {
      maxBuffer: 1 << 28,
    }).toString('latin1')
    expect(out).toBe(readFileSync(`${file}.bgpdump.txt`, 'latin1'))
  })

  // updates.nlri_mask_trailing_bits: its NLRI field holds 11.13.0.0/13 (host
  // bits set) and then a /11 prefix with no octets left. bgpdump 1.6.2 prints
  // the first as sent and drops the cut one (.bgpdump.txt); the bgpdump
  // project's newer expectation (.bgpdump-expected.txt.gz, from its git head)
  // masks the host bits: 11.8.0.0/13. We match 1.6.2: it is what Debian
  // installs and what every other test compares with, and it keeps the prefix
  // as sent, the documented JSON rule (docs/json.md), so the two outputs agree;
  // the JSON form reports the cut prefix as a problem.
  it.runIf(testdata)(
    'updates.nlri_mask_trailing_bits: as bgpdump 1.6.2, not the newer expectation',
    async () => {
      const file = files.find((f) => f.endsWith('updates.nlri_mask_trailing_bits.gz'))!
      const got = await ours(file)
      expect(got).toBe(
        'BGP4MP|1289168632|A|12.0.1.63|7018|11.13.0.0/13|7018 3549 12389 48275 51044|IGP|12.0.1.63|0|0|6923:3339|NAG||\n',
      )
      const newer = gunzipSync(readFileSync(`${file}.bgpdump-expected.txt.gz`)).toString('latin1')
      expect(newer).toBe(got.replace('|11.13.0.0/13|', '|11.8.0.0/13|'))
      const [rec] = await records(file)
      const d = decodeRecord(rec!) as unknown as {
        message: { nlri: unknown[] }
        problems: { kind: string; action: string }[]
      }
      expect(d.message.nlri).toEqual([{ prefix: '11.13.0.0/13' }])
      expect(d.problems.map((p) => [p.kind, p.action])).toEqual([
        ['NOTIFY.UPDATE.INVALID_NETWORK_FIELD', 'session-reset'],
      ])
    },
  )

  it.runIf(testdata)('decodes a TABLE_DUMP_V2 RIB record to the documented JSON form', async () => {
    const file = files.find((f) => f.endsWith('quagga_rib.mrt'))!
    const all = await records(file)
    expect(JSON.parse(toJson(decodeRecord(all[4]!)))).toEqual({
      type: 'TABLE_DUMP_V2',
      subtype: 'RIB_IPV6_UNICAST',
      timestamp: 1486802400,
      sequence: 3,
      family: 'ipv6-unicast',
      afi: 2,
      safi: 1,
      prefix: 'fd01:1::/64',
      entries: [
        {
          peerIndex: 1,
          peerAddress: 'fd02::10',
          peerAs: 65000,
          originatedTime: 1486802244,
          attributes: [
            { code: 1, flags: 64, name: 'ORIGIN', value: 'igp' },
            {
              code: 2,
              flags: 80,
              name: 'AS_PATH',
              value: [
                { type: 'AS_SEQUENCE', asns: [4200000000, 4200000000, 4200000000, 64512, 64512, 64512] },
              ],
            },
            { code: 4, flags: 128, name: 'MULTI_EXIT_DISC', value: 10 },
            { code: 5, flags: 64, name: 'LOCAL_PREF', value: 100 },
            { code: 8, flags: 192, name: 'COMMUNITIES', value: ['65000:100', '65000:200', '65000:300'] },
            // Quagga stores the whole attribute, its NLRI included (RFC 6396 §4.3.4 would abbreviate it).
            {
              code: 14,
              flags: 128,
              name: 'MP_REACH_NLRI',
              value: {
                afi: 2,
                safi: 1,
                family: 'ipv6-unicast',
                nextHop: ['fd02::10', 'fe80::206:aff:fe0e:fff0'],
                nlri: [{ prefix: 'fd01:1::/64' }],
              },
            },
          ],
        },
        {
          peerIndex: 0,
          peerAddress: '192.168.0.10',
          peerAs: 65000,
          originatedTime: 1486802236,
          attributes: [
            { code: 1, flags: 64, name: 'ORIGIN', value: 'igp' },
            {
              code: 2,
              flags: 80,
              name: 'AS_PATH',
              value: [
                { type: 'AS_SEQUENCE', asns: [4200000000, 4200000000, 4200000000, 64512, 64512, 64512] },
              ],
            },
            { code: 4, flags: 128, name: 'MULTI_EXIT_DISC', value: 10 },
            { code: 5, flags: 64, name: 'LOCAL_PREF', value: 100 },
            { code: 8, flags: 192, name: 'COMMUNITIES', value: ['65000:100', '65000:200', '65000:300'] },
            {
              code: 14,
              flags: 128,
              name: 'MP_REACH_NLRI',
              value: {
                afi: 2,
                safi: 1,
                family: 'ipv6-unicast',
                nextHop: ['::ffff:192.168.0.10'],
                nlri: [{ prefix: 'fd01:1::/64' }],
              },
            },
          ],
        },
      ],
    })
  })

  it.runIf(testdata)(
    'decodes BGP4MP_ET with its microseconds and RIB_GENERIC with its VPN NLRI',
    async () => {
      const et = (await records(files.find((f) => f.endsWith('updates.bz2'))!))[0]!
      const d = decodeRecord(et) as unknown as Record<string, unknown>
      expect([d.type, d.subtype, d.timestamp, d.microseconds, d.peerAddress, d.peerAs]).toEqual([
        'BGP4MP_ET',
        'MESSAGE_AS4',
        1726353018,
        908490,
        '103.151.196.1',
        140684,
      ])
      const generic = (await records(files.find((f) => f.endsWith('openbgpd_rib_table-v2.mrt'))!)).filter(
        (r) => r.subtype === 6,
      )
      expect(generic.map((r) => (decodeRecord(r) as unknown as { nlri: unknown }).nlri)).toEqual([
        { labels: [16], rd: '65010:15', prefix: '192.168.0.0/16' },
        { labels: [16], rd: '65010:15', prefix: '192.168.7.0/24' },
      ])
    },
  )

  it.runIf(testdata)('frames the same records from a file cut into chunks at every offset', async () => {
    const raw = await records(files.find((f) => f.endsWith('bird-mrtdump_rib.mrt'))!)
    const whole = Buffer.concat(raw.map((r) => r.raw))
    const want = raw.map((r) => Buffer.from(r.raw).toString('hex'))
    for (let k = 0; k <= whole.length; k++) {
      async function* two() {
        yield whole.subarray(0, k)
        yield whole.subarray(k)
      }
      const got = (await records(two())).map((r) => Buffer.from(r.raw).toString('hex'))
      if (got.length !== want.length || got.some((g, i) => g !== want[i]))
        expect(got, `split at ${k}`).toEqual(want)
    }
    async function* bytes() {
      for (const b of whole) yield Uint8Array.of(b)
    }
    expect((await records(bytes())).map((r) => Buffer.from(r.raw).toString('hex'))).toEqual(want)
    // And the parsed bodies do not depend on where the chunks ended.
    expect((await records(bytes())).map((r) => toJson(decodeRecord(r)))).toEqual(
      raw.map((r) => toJson(decodeRecord(r))),
    )
    expect(raw.every((r) => parseRecord(r) === r.body)).toBe(true)
  })
})
