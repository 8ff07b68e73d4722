// `routelake synth`: the synthetic table as TABLE_DUMP_V2, read by the real
// bgpdump (full and abbreviated MP_REACH_NLRI alike, several peers, ADD-PATH)
// and by GoBGP's `gobgp mrt inject` (which needs the full form).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../collector/test-support/testdata.ts'
import { bgpdump, ours, records, requireTools, tempDir } from './support.ts'

const haveBgpdump = requireTools('mrt synth', 'bgpdump')
const haveGobgp = requireTools('mrt synth with GoBGP', 'gobgpd', 'gobgp')
const dir = tempDir('synth')

function synth(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/routelake.js'), 'synth', ...args])
  return { status: r.status, stderr: r.stderr.toString() }
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((ok) => s.close(() => ok()))
  return port
}

const full = join(dir, 'full.mrt.gz')
const short = join(dir, 'short.mrt')

describe('routelake synth', () => {
  it.runIf(haveBgpdump)(
    'writes a table bgpdump reads: every prefix once per peer, in prefix order',
    async () => {
      expect(
        synth(['--ipv4', '3000', '--ipv6', '700', '--peers', '3', '--seed', '7', '--out', full]),
      ).toEqual({
        status: 0,
        stderr: `routelake synth: ${full}: 3700 prefixes (3000 IPv4, 700 IPv6), 3 peer(s), 11100 RIB entries\n`,
      })
      const lines = bgpdump(['-m', full]).split('\n').filter(Boolean)
      expect(lines).toHaveLength(11100)
      expect(lines.join('\n')).toBe((await ours(full)).trimEnd())
      const fields = lines.map((l) => l.split('|'))
      expect(new Set(fields.map((f) => `${f[3]} ${f[4]}`))).toEqual(
        new Set(['10.0.0.1 64500', '10.0.0.2 64501', '10.0.0.3 64502']),
      )
      expect(fields.filter((f) => f[5]!.includes(':'))).toHaveLength(2100)
      // IPv6 next hops come from MP_REACH_NLRI, one per peer.
      expect(new Set(fields.filter((f) => f[5]!.includes(':')).map((f) => f[8]))).toEqual(
        new Set(['2001:db8::1', '2001:db8::2', '2001:db8::3']),
      )
      // Peer k>0 puts its own AS first, prepended k mod 3 more times.
      expect(fields[1]![6]!.startsWith('64501 64501 ')).toBe(true)
      expect(fields[2]![6]!.startsWith('64502 64502 64502 ')).toBe(true)
    },
  )

  it.runIf(haveBgpdump)('the RFC 6396 abbreviated MP_REACH_NLRI prints the same', () => {
    expect(
      synth([
        '--ipv4',
        '3000',
        '--ipv6',
        '700',
        '--peers',
        '3',
        '--seed',
        '7',
        '--mp-reach',
        'abbreviated',
        '--out',
        short,
      ]).status,
    ).toBe(0)
    expect(bgpdump(['-m', short])).toBe(bgpdump(['-m', full]))
  })

  it.runIf(haveBgpdump)('--add-path writes RIB_*_ADDPATH records', async () => {
    const ap = join(dir, 'addpath.mrt')
    expect(synth(['--ipv4', '200', '--ipv6', '50', '--peers', '2', '--add-path', '--out', ap]).status).toBe(0)
    const lines = bgpdump(['-m', ap]).split('\n').filter(Boolean)
    expect(lines).toHaveLength(500)
    expect(lines.every((l) => l.startsWith('TABLE_DUMP2_AP|1700000000|B|'))).toBe(true)
    expect(new Set(lines.map((l) => l.split('|')[6]))).toEqual(new Set(['1', '2']))
    expect(new Set((await records(ap)).map((r) => r.subtype))).toEqual(new Set([1, 8, 10]))
    // The entries' attributes (IPv6 with the full MP_REACH_NLRI) decode clean:
    // the path id is the entry's, not inside the stored attribute (RFC 8050 §4).
    const { MrtReader, decodeRecord } = await import('../../collector/src/mrt/index.ts')
    const problems: unknown[] = []
    for await (const batch of new MrtReader(ap).batches()) {
      for (const rec of batch) {
        const d = decodeRecord(rec) as {
          entries?: { problems?: unknown[]; attributes: { name: string }[] }[]
        }
        for (const e of d.entries ?? []) {
          problems.push(...(e.problems ?? []), ...e.attributes.filter((a) => a.name === 'MALFORMED'))
        }
      }
    }
    expect(problems).toEqual([])
  })

  it.runIf(haveBgpdump)('--updates writes the table as BGP4MP_ET updates, then withdrawals', () => {
    const upd = join(dir, 'updates.mrt')
    expect(synth(['--updates', '--ipv4', '300', '--ipv6', '100', '--out', upd]).status).toBe(0)
    const lines = bgpdump(['-m', upd]).split('\n').filter(Boolean)
    const kinds = lines.map((l) => l.split('|')[2])
    expect([
      kinds.filter((k) => k === 'STATE').length,
      kinds.filter((k) => k === 'A').length,
      kinds.filter((k) => k === 'W').length,
    ]).toEqual([1, 400, 40])
    expect(lines[0]).toBe('BGP4MP_ET|1700000000.000000|STATE|10.0.0.1|64500|5|6')
  })

  describe('GoBGP', () => {
    let gobgpd: ChildProcess | undefined
    afterAll(() => {
      gobgpd?.kill()
    })
    it.runIf(haveGobgp && haveBgpdump)(
      '`gobgp mrt inject` parses every record of the full form, and none of the short one',
      async () => {
        const port = await freePort()
        const conf = join(dir, 'gobgpd.toml')
        writeFileSync(conf, '[global.config]\n  as = 65000\n  router-id = "192.0.2.254"\n  port = -1\n')
        gobgpd = spawn(
          'gobgpd',
          ['-f', conf, '--api-hosts', `127.0.0.1:${port}`, '-l', 'warn', '--pprof-disable'],
          {
            stdio: 'ignore',
          },
        )
        // Wait for the gRPC port.
        for (let i = 0; i < 100; i++) {
          const r = spawnSync('gobgp', ['-p', String(port), 'global'])
          if (r.status === 0) break
          await new Promise((ok) => setTimeout(ok, 100))
        }
        const inject = (file: string) =>
          spawnSync('gobgp', ['-d', '-p', String(port), 'mrt', 'inject', 'global', file], {
            maxBuffer: 1 << 28,
          })
        // GoBGP 3.10 reads plain files only.
        const plain = join(dir, 'full.mrt')
        writeFileSync(plain, Buffer.concat((await records(full)).map((r) => r.raw)))
        const ok = inject(plain)
        const out = ok.stdout.toString()
        const ribs = out.split('\n').filter((l) => l.includes(' RIB: Seq ['))
        expect(ribs).toHaveLength(3700)
        expect(out).not.toContain('failed to parse')
        // GoBGP read our IPv6 entries' next hop and prefix out of MP_REACH_NLRI.
        const six = ribs.filter((l) => l.includes('MpReach(ipv6-unicast)'))
        expect(six).toHaveLength(700)
        expect(
          six.every(
            (l) =>
              /\{Nexthop: 2001:db8::1, NLRIs: \[([0-9a-f:]+\/\d+)\]\}/.exec(l)?.[1] ===
              /Prefix \[([^\]]+)\]/.exec(l)?.[1],
          ),
        ).toBe(true)
        const bad = inject(short)
        expect(bad.stdout.toString() + bad.stderr.toString()).toContain('failed to parse')
      },
    )
  })
})
