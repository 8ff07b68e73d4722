// `routelake mrt`: the filter (checked against the real bgpdump's lines,
// picked by field), the JSON form with a filter, the statistics, the ExaBGP
// format (checked against ExaBGP 4.2's own --decode of the same messages),
// and a quiet stderr when it is not a terminal.

import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toJson } from '../../collector/src/bgp/index.ts'
import { decodeRecord } from '../../collector/src/mrt/index.ts'
import { toHex } from '../../collector/src/wire/hex.ts'
import { parsePrefix } from '../../collector/src/wire/ip.ts'
import { repoRoot } from '../../collector/test-support/testdata.ts'
import { ExabgpFormatter } from '../../tools/mrt/exabgp.ts'
import { parseFilter } from '../../tools/mrt/filter.ts'
import { jsonLine } from '../../tools/mrt/json.ts'
import { MrtStats } from '../../tools/mrt/stats.ts'
import { bgpdump, mrtFiles, ours, records, requireTestdata, requireTools, tempDir } from './support.ts'

const testdata = requireTestdata('mrt cli')
const files = testdata ? mrtFiles(testdata) : []
const file = (suffix: string) => files.find((f) => f.endsWith(suffix))!
const haveBgpdump = requireTools('mrt cli', 'bgpdump')
const haveExabgp = requireTools('mrt exabgp format', 'exabgp')
const dir = tempDir('cli')

function cli(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/routelake.js'), 'mrt', ...args], {
    maxBuffer: 1 << 28,
  })
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString(), status: r.status }
}

/** Is prefix p inside q (or equal)? */
function within(p: string, q: string): boolean {
  const a = parsePrefix(p)!
  const b = parsePrefix(q)!
  if (a.address.length !== b.address.length || a.length < b.length) return false
  for (let bit = 0; bit < b.length; bit++) {
    const m = 0x80 >> (bit & 7)
    if ((a.address[bit >> 3]! & m) !== (b.address[bit >> 3]! & m)) return false
  }
  return true
}

describe('routelake mrt --filter', () => {
  // bgpdump -m fields: 0 type, 1 time, 2 A/W/STATE/B, 3 peer, 4 peer AS, 5 prefix, 6 path, … 11 communities.
  const cases: [string, string, (f: string[]) => boolean][] = [
    ['updates.20071015.1505.gz', 'peer=213.200.87.254', (f) => f[3] === '213.200.87.254'],
    ['updates.20071015.1505.gz', 'peer-as=3333,3257', (f) => f[4] === '3333' || f[4] === '3257'],
    ['updates.20071015.1505.gz', 'type=withdraw', (f) => f[2] === 'W'],
    [
      'updates.20071015.1505.gz',
      'type=announce prefix=200.0.0.0/8+',
      (f) => f[2] === 'A' && within(f[5]!, '200.0.0.0/8'),
    ],
    ['updates.20071015.1505.gz', 'prefix=203.157.152.0/24', (f) => f[5] === '203.157.152.0/24'],
    [
      'updates.20071015.1505.gz',
      'prefix=203.157.152.1/32-',
      (f) => !!f[5] && within('203.157.152.1/32', f[5]),
    ],
    ['updates.20020722.2238.gz', 'type=state', (f) => f[2] === 'STATE'],
    [
      'routeviews.route-views.jinx.updates.1427846400.bz2',
      'origin=34984',
      (f) => f[2] === 'A' && f[6]!.split(' ').pop() === '34984',
    ],
    [
      'routeviews.route-views.jinx.updates.1427846400.bz2',
      'path=3356',
      (f) => f[2] === 'A' && f[6]!.split(' ').includes('3356'),
    ],
    [
      'routeviews.route-views.jinx.updates.1427846400.bz2',
      'community=37100:11033',
      (f) => f[2] === 'A' && f[11]!.split(' ').includes('37100:11033'),
    ],
    ['openbgpd_bgp.mrt', 'family=ipv6-unicast', (f) => !!f[5]?.includes(':')],
    [
      'openbgpd_rib_table-v2.mrt',
      'type=rib family=ipv4-unicast',
      (f) => f[2] === 'B' && !f[5]!.includes(':'),
    ],
    ['bview.ipv4_unicast_add_path.gz', 'prefix=10.0.8.0/22+', (f) => within(f[5]!, '10.0.8.0/22')],
  ]
  it.runIf(testdata && haveBgpdump).each(cases.map(([f, flt, pick]) => [f, flt, pick] as const))(
    '%s --filter %j: the bgpdump lines of the matching routes',
    async (name, spec, pick) => {
      const want = bgpdump(['-m', file(name)])
        .split('\n')
        .filter((l) => l && pick(l.split('|')))
      expect(want.length).toBeGreaterThan(0)
      const got = (await ours(file(name), { filter: parseFilter([spec]) })).split('\n').filter(Boolean)
      expect(got).toEqual(want)
    },
  )

  it.runIf(testdata)('the CLI takes --filter and rejects a bad one', () => {
    const r = cli([
      '-m',
      '--filter',
      'type=state',
      '--filter',
      'peer=193.203.0.69',
      file('updates.20020722.2238.gz'),
    ])
    expect(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => l.includes('|STATE|193.203.0.69|')),
    ).toBe(true)
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(10)
    const bad = cli(['--filter', 'colour=red', file('updates.20020722.2238.gz')])
    expect([bad.status, bad.stderr.trim()]).toEqual([
      2,
      "routelake mrt: --filter: unknown filter key 'colour' (peer, peer-as, prefix, origin, path, community, family, type)",
    ])
  })

  it.runIf(testdata)('the JSON form keeps whole records, and only the matching RIB entries', async () => {
    const rib = await records(file('bird-mrtdump_rib.mrt'))
    const f = parseFilter(['peer=192.168.0.10 prefix=172.17.1.0/24'])
    const lines = rib.map((r) => jsonLine(r, f)).filter((l) => l !== undefined)
    expect(
      lines
        .map((l) => JSON.parse(l!))
        .map((d) => [d.subtype, d.prefix, d.entries.map((e: { pathId: number }) => e.pathId)]),
    ).toEqual([
      ['RIB_IPV4_UNICAST_ADDPATH', '172.17.1.0/24', [2, 1]],
      ['RIB_IPV4_UNICAST_ADDPATH', '172.17.1.0/24', [2, 1]],
    ])
    const upd = await records(file('openbgpd_bgp.mrt'))
    const states = upd.map((r) => jsonLine(r, parseFilter(['type=state']))).filter((l) => l !== undefined)
    expect(states).toEqual(
      upd.filter((r) => r.subtype === 0 || r.subtype === 5).map((r) => toJson(decodeRecord(r))),
    )
    expect(states).toHaveLength(16)
  })
})

describe('routelake mrt --stats', () => {
  it.runIf(testdata)('counts records by type, routes by peer and by family', async () => {
    const s = new MrtStats()
    for (const r of await records(file('openbgpd_rib_table-v2.mrt'))) s.add(r)
    expect(Object.fromEntries(s.types)).toEqual({
      'TABLE_DUMP_V2/PEER_INDEX_TABLE': 1,
      'TABLE_DUMP_V2/RIB_GENERIC': 2,
      'TABLE_DUMP_V2/RIB_IPV4_UNICAST': 11,
      'TABLE_DUMP_V2/RIB_IPV6_UNICAST': 10,
    })
    expect(Object.fromEntries(s.families)).toEqual({
      'ipv4-unicast': { rib: 11, announce: 0, withdraw: 0, state: 0, message: 0 },
      'ipv6-unicast': { rib: 20, announce: 0, withdraw: 0, state: 0, message: 0 },
      'ipv4-vpn': { rib: 2, announce: 0, withdraw: 0, state: 0, message: 0 },
    })
    const r = cli(['--stats', file('quagga_bgp.mrt')])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('  BGP4MP/MESSAGE_AS4                                    43\n')
    expect(r.stdout).toMatch(/\n {2}ipv4-vpn +0 +16 +0 +0 +0\n/)
  })
})

describe('routelake mrt --format exabgp', () => {
  // AS4 subtypes only: ExaBGP's --decode takes 4-octet ASNs from its
  // configuration, and a MESSAGE (2-octet) record would need another one.
  const sources = [
    'updates.bz2',
    'rrc03.updates.20100227.1600.first-796-records.gz',
    'openbgpd_bgp.mrt',
    'quagga_bgp.mrt',
  ]
  it.runIf(testdata && haveExabgp).each(sources)('%s: each UPDATE as ExaBGP 4.2 decodes it', async (name) => {
    const fmt = new ExabgpFormatter()
    const hex: string[] = []
    const mine: unknown[] = []
    for (const r of await records(file(name))) {
      if (r.body?.kind !== 'BGP4MP_MESSAGE' || !r.body.message.as4 || r.body.message.message[18] !== 2)
        continue
      const h = toHex(r.body.message.message)
      // ExaBGP is configured for IPv4 and IPv6 unicast: leave VPN UPDATEs out.
      if (/[89]00e(00)?..0001(80|04)|0001800c/.test(h)) continue
      const lines = fmt.record(r)
      if (!lines.length) continue
      hex.push(h)
      mine.push(...lines.map((l) => JSON.parse(l)))
    }
    expect(hex.length).toBeGreaterThan(10)
    const conf = join(dir, `exabgp-${name}`)
    mkdirSync(conf, { recursive: true })
    writeFileSync(
      join(conf, 'exabgp.conf'),
      'neighbor 127.0.0.1 {\n  router-id 127.0.0.1;\n  local-address 127.0.0.1;\n  local-as 65533;\n  peer-as 65533;\n  family { ipv4 unicast; ipv6 unicast; }\n}\n',
    )
    const r = spawnSync('exabgp', [...hex.flatMap((h) => ['-x', h]), 'exabgp.conf'], {
      cwd: conf,
      maxBuffer: 1 << 28,
    })
    const theirs = r.stdout
      .toString()
      .split('\n')
      .filter((l) => l.includes('update json '))
      .map((l) => JSON.parse(l.slice(l.indexOf('update json ') + 12)))
    expect(theirs).toHaveLength(mine.length)
    // The neighbor (addresses, ASes) and the clock are each side's own; the message must be the same.
    const strip = (x: {
      exabgp: string
      type: string
      neighbor: { direction: string; message: unknown }
    }) => [x.exabgp, x.type, x.neighbor.direction, x.neighbor.message]
    expect(mine.map((x) => strip(x as never))).toEqual(theirs.map(strip))
  })

  it.runIf(testdata)('reports sessions going up and down, and RIB entries as announcements', async () => {
    const fmt = new ExabgpFormatter()
    const lines = (await records(file('openbgpd_bgp.mrt')))
      .flatMap((r) => fmt.record(r))
      .map((l) => JSON.parse(l))
    expect(
      lines.filter((l) => l.type === 'state').map((l) => [l.neighbor.address.peer, l.neighbor.state]),
    ).toEqual([
      ['2001:db8:0:1::102', 'up'],
      ['192.168.1.102', 'up'],
      ['192.168.1.102', 'down'],
      ['192.168.1.102', 'up'],
      ['2001:db8:0:1::102', 'down'],
      ['2001:db8:0:1::102', 'up'],
    ])
    const rib = (await records(file('quagga_rib.mrt')))
      .flatMap((r) => fmt.record(r))
      .map((l) => JSON.parse(l))
    expect(rib[3].neighbor).toMatchObject({
      address: { local: '192.168.0.18', peer: 'fd02::10' },
      asn: { local: 0, peer: 65000 },
      message: {
        update: {
          attribute: {
            origin: 'igp',
            'as-path': [4200000000, 4200000000, 4200000000, 64512, 64512, 64512],
            'confederation-path': [],
            med: 10,
            'local-preference': 100,
            community: [
              [65000, 100],
              [65000, 200],
              [65000, 300],
            ],
          },
          announce: {
            'ipv6 unicast': {
              'fd02::10': [{ nlri: 'fd01:1::/64' }],
              'fe80::206:aff:fe0e:fff0': [{ nlri: 'fd01:1::/64' }],
            },
          },
        },
      },
    })
  })
})

describe('routelake mrt output', () => {
  it.runIf(testdata)(
    'is silent on stderr when stderr is not a terminal, and stops quietly at a closed pipe',
    () => {
      const r = cli(['-m', file('updates.20071015.1505.gz')])
      expect([r.status, r.stderr]).toEqual([0, ''])
      const head = spawnSync('bash', [
        '-c',
        `node ${join(repoRoot, 'bin/routelake.js')} mrt -m ${file('updates.20071015.1505.gz')} | head -3`,
      ])
      expect([head.status, head.stdout.toString().split('\n').length, head.stderr.toString()]).toEqual([
        0,
        4,
        '',
      ])
    },
  )

  it.runIf(testdata)('names the corrupt record and exits 1; --skip-corrupt goes on and says how many', () => {
    const bytes = Buffer.concat([Buffer.from(spawnSync('cat', [file('quagga_bgp.mrt')]).stdout)])
    const cut = join(dir, 'cut.mrt')
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10))
    const r = cli(['-m', cut])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(
      /^routelake mrt: .*cut\.mrt: MRT\.TRUNCATED_RECORD: record #66 \(BGP4MP\/MESSAGE_AS4\) at offset \d+, fault at offset \d+: the input ends after \d+ of the record's \d+ octets\n$/,
    )
    const s = cli(['-m', '--skip-corrupt', cut])
    expect([s.status, s.stderr]).toEqual([0, 'routelake mrt: skipped 1 corrupt record(s)\n'])
    expect(s.stdout).toBe(r.stdout)
  })
})
