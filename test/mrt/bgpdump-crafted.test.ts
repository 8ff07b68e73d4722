// `--format bgpdump` against the real bgpdump (spawned) on records built for
// the edge cases the captures lack (test/mrt/crafted.ts), with every output
// option bgpdump has in one-line mode: -m, -M, -p, -l, -t change.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cat, craftedRecords } from './crafted.ts'
import { bgpdump, ours, requireTools, tempDir } from './support.ts'

const have = requireTools('mrt bgpdump edge cases', 'bgpdump')
const dir = tempDir('crafted')
const file = join(dir, 'crafted.mrt')
writeFileSync(file, cat(...craftedRecords()))

describe('bgpdump format on crafted records', () => {
  const combos: [string[], Parameters<typeof ours>[1]][] = [
    [['-m'], {}],
    [['-M'], { human: true }],
    [['-m', '-p'], { packetIndex: true }],
    [['-m', '-l'], { largeCommunities: true }],
    [['-m', '-t', 'change'], { timeChange: true }],
    [
      ['-M', '-t', 'change', '-p', '-l'],
      { human: true, timeChange: true, packetIndex: true, largeCommunities: true },
    ],
  ]
  it.runIf(have).each(combos)('bgpdump %j prints exactly what we print', async (flags, options) => {
    const want = bgpdump([...flags, file])
    const got = await ours(file, options)
    expect(got.split('\n')).toEqual(want.split('\n'))
    // Enough lines that the cases are there: 8192 prefixes of the long UPDATE, and the rest.
    expect(want.split('\n').length).toBeGreaterThan(8250)
  })

  it.runIf(have)('the quirks bgpdump 1.6.2 has are the ones we copy', () => {
    const lines = bgpdump(['-m', file]).split('\n')
    const has = (s: string) =>
      expect(
        lines.filter((l) => l.includes(s)),
        s,
      ).not.toEqual([])
    has('|(65010 65011) 64496 4200000000 {3,4} [7,8] 9|EGP|') // segment types
    has('|no-export no-advertise local-AS 65535:666 65000:1|AG|4200000002 192.0.2.9|') // named communities, AG
    has('|64496 4200000003 4200000004 64500|IGP|192.0.2.1|0|0||NAG|4200000005 192.0.2.11|') // AS4 merge
    has('|{64496,64497} {64496,64497} 4200000007 4200000008|') // the merge repeats AS_PATH's first segment
    has('|2001:db8::99|-294967296|-1294967296||NAG||') // MP IPv4 lines print with %d
    has('BGP4MP_LOCAL|1600000000|W|c000:201::|64496|2001:db8:9::/48') // an IPv4 peer formatted as IPv6
    has('BGP4MP_AP|1600000000|W|192.0.2.254|65000|10.14.0.0/16|3') // LOCAL_ADDPATH: the local end
    has('|2001:db8::1:1:1:1:1|') // one zero group compressed
    has('|! Error !|INCOMPLETE|255.255.255.255|0|1||NAG||') // malformed path, no next hop
    has('BGP|946684800|W|192.0.2.1|64496|192.0.2.1/16') // legacy withdrawals show the peer address
    has('|0|564496:1 no-export|NAG||') // legacy communities glued to the MED
    has('TABLE_DUMP|1600000100|B|32.1.13.184|4200000001|32.1.13.184/48|') // subtype 4 printed as IPv4
    expect(lines.filter((l) => l.includes('|10.22.0.0/16|'))[0]).toMatch(/ 4000002218\.\.\.\|IGP\|/) // 8000 characters
    expect(lines.filter((l) => /\|[2-5]\d\.\d+\.0\.0\/16\|64496\|IGP/.test(l))).toHaveLength(8192) // 8300 prefixes, 8192 kept
  })
})
