// MRT export on demand, read back by the real bgpdump: the updates of a time
// range (whole, one peer, one prefix range) and the RIB at a time T rebuilt
// from stored updates, compared with bgpdump's own reading of the file that
// was replayed into the collector. One export is fetched over real HTTP.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { risFileName } from '../../collector/src/api/mrt-export.ts'
import { ErrorSchema } from '../../collector/src/api/schemas.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'
import { requireTools } from '../mrt/support.ts'
import { bgpdump, type Fields, finalTable, replayedLines, routeText } from './expected.ts'
import { type ApiFixture, SPEAKER, SPEAKER_AS, startApiFixture } from './fixture.ts'

const testdata = requireTestdata('api mrt export')
const haveBgpdump = requireTools('api mrt export', 'bgpdump')
let f: ApiFixture
let lines: Fields[]

beforeAll(async () => {
  if (!testdata || !haveBgpdump) return
  f = await startApiFixture(testdata)
  lines = replayedLines(testdata, f.sessionOf)
}, 240_000)
afterAll(async () => {
  await f?.stop()
})

/** Fetches an export into the fixture's directory; the response and the file. */
async function download(path: string, name: string): Promise<{ res: Response; file: string }> {
  const res = await f.collector.api.request(path)
  const file = join(f.dir, name)
  writeFileSync(file, Buffer.from(await res.arrayBuffer()))
  return { res, file }
}

/** An A or W line without its time and record type: what the export and the file must share. */
const update = (x: Fields) => [x[2], x[3], x[4], ...x.slice(5)].join('|')

const speakerLines = [
  `A|${SPEAKER}|${SPEAKER_AS}|203.0.113.0/24|65020 65021 65022|IGP|192.0.2.20|0|50|65020:100 65020:200 no-export|NAG||`,
  `A|${SPEAKER}|${SPEAKER_AS}|203.0.113.128/25|65020 65021 65022|IGP|192.0.2.20|0|50|65020:100 65020:200 no-export|NAG||`,
]

function inside(prefix: string, net: string): boolean {
  const toInt = (p: string) =>
    p
      .split('/')[0]!
      .split('.')
      .reduce((n, o) => n * 256 + Number(o), 0)
  const len = Number(net.split('/')[1])
  if (prefix.includes(':') || Number(prefix.split('/')[1]) < len) return false
  const mask = 2 ** 32 - 2 ** (32 - len)
  return (toInt(prefix) & mask) >>> 0 === (toInt(net) & mask) >>> 0
}

describe.runIf(testdata && haveBgpdump)('MRT export read back by bgpdump', () => {
  it('GET /api/v1/mrt/updates: every message received in the range, as the file had it', async () => {
    const from = Math.floor(f.started / 1000) - 1
    const { res, file } = await download(
      `/api/v1/mrt/updates?from=${from}&to=${new Date(f.loaded + 1000).toISOString()}`,
      'all.gz',
    )
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-disposition')]).toEqual([
      200,
      'application/gzip',
      `attachment; filename="${risFileName('updates', from * 1e6)}"`,
    ])
    expect(risFileName('updates', Date.UTC(2024, 4, 1, 12, 5, 59) * 1000)).toBe('updates.20240501.1205.gz')
    const got = bgpdump(file)
    expect(new Set(got.map((x) => x[0]))).toEqual(new Set(['BGP4MP_ET']))
    const updates = got.filter((x) => x[2] === 'A' || x[2] === 'W')
    expect(updates.map(update).sort()).toEqual([...lines.map(update), ...speakerLines].sort())
    // Each session's state changes: the last one of every peer is to Established (6).
    const states = got.filter((x) => x[2] === 'STATE')
    const lastState = new Map(states.map((x) => [x[3], x[6]]))
    expect(lastState).toEqual(new Map([...f.sessionOf.values(), SPEAKER].map((p) => [p, '6'])))
    // In time order (microseconds).
    const times = got.map((x) => Number(x[1]))
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('filters by peer and by prefix (whole messages that carry it)', async () => {
    const from = Math.floor(f.started / 1000) - 1
    const peer = f.sessionOf.get('208.51.134.248')!
    const one = bgpdump((await download(`/api/v1/mrt/updates?from=${from}&peer=${peer}`, 'peer.gz')).file)
    expect(new Set(one.map((x) => x[3]))).toEqual(new Set([peer]))
    expect(
      one
        .filter((x) => x[2] !== 'STATE')
        .map(update)
        .sort(),
    ).toEqual(
      lines
        .filter((x) => x[3] === peer)
        .map(update)
        .sort(),
    )

    const net = '85.187.144.0/23'
    const byPrefix = bgpdump(
      (await download(`/api/v1/mrt/updates?from=${from}&prefix=${net}&match=more`, 'prefix.gz')).file,
    )
    expect(
      byPrefix
        .filter((x) => x[5] === net)
        .map(update)
        .sort(),
    ).toEqual(
      lines
        .filter((x) => x[5] === net)
        .map(update)
        .sort(),
    )
    // Messages are whole: every line beside the prefix's came in a message that also carried it.
    const times = new Set(byPrefix.filter((x) => inside(x[5]!, net)).map((x) => `${x[1]}|${x[3]}`))
    for (const x of byPrefix) expect(times.has(`${x[1]}|${x[3]}`)).toBe(true)
    expect(byPrefix.filter((x) => x[2] === 'STATE')).toEqual([])
  })

  it('GET /api/v1/mrt/rib: the table at T rebuilt from stored updates, as bgpdump reads it', async () => {
    const expected = [...finalTable(lines).values()].map(routeText)
    const speakerRoutes = speakerLines.map((l) => {
      const x = l.split('|')
      return [x[1], ...x.slice(3, 12)].join('|')
    })
    const now = await download('/api/v1/mrt/rib', 'bview-now.gz')
    expect(now.res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="bview\.\d{8}\.\d{4}\.gz"$/,
    )
    const got = bgpdump(now.file)
    expect(new Set(got.map((x) => `${x[0]}|${x[2]}`))).toEqual(new Set(['TABLE_DUMP2|B']))
    expect(got.map(routeText).sort()).toEqual([...expected, ...speakerRoutes].sort())

    // Before the speaker's session: the replayed table alone.
    const at = new Date(f.speakerAt).toISOString()
    const before = await download(`/api/v1/mrt/rib?at=${at}`, 'bview-before.gz')
    expect(before.res.headers.get('content-disposition')).toBe(
      `attachment; filename="${risFileName('bview', f.speakerAt * 1000)}"`,
    )
    const gotBefore = bgpdump(before.file)
    expect(gotBefore.map(routeText).sort()).toEqual([...expected].sort())
    expect(new Set(gotBefore.map((x) => x[1]))).toEqual(new Set([String(Math.floor(f.speakerAt / 1000))]))

    // One peer only.
    const peer = f.sessionOf.get('193.0.0.56')!
    const one = bgpdump((await download(`/api/v1/mrt/rib?peer=${peer}`, 'bview-peer.gz')).file)
    expect(one.map(routeText).sort()).toEqual(expected.filter((l) => l.startsWith(`${peer}|`)).sort())
  })

  it('streams over real HTTP', async () => {
    const res = await fetch(
      `${f.base}/api/v1/mrt/updates?from=${Math.floor(f.speakerAt / 1000)}&peer=${SPEAKER}`,
    )
    expect([res.status, res.headers.get('transfer-encoding'), res.headers.get('content-encoding')]).toEqual([
      200,
      'chunked',
      null,
    ])
    const file = join(f.dir, 'http.gz')
    writeFileSync(file, Buffer.from(await res.arrayBuffer()))
    expect(
      bgpdump(file)
        .filter((x) => x[2] === 'A')
        .map(update),
    ).toEqual(speakerLines)
  })

  it('400 with the reason for bad parameters', async () => {
    const bad: [string, string][] = [
      ['/api/v1/mrt/updates', 'from: Invalid input: expected string, received undefined'],
      [
        '/api/v1/mrt/updates?from=soon',
        "from: 'soon' is not a time (Unix seconds, or ISO 8601 such as 2024-05-01T12:00:00Z)",
      ],
      ['/api/v1/mrt/updates?from=2000&to=1000', 'from: is after to'],
      ['/api/v1/mrt/updates?from=1000&match=more', 'match: only with prefix'],
      [
        '/api/v1/mrt/updates?from=1000&prefix=1.2.3.4/40',
        "prefix: '1.2.3.4/40' is not a prefix such as 192.0.2.0/24 or 2001:db8::/32",
      ],
      [
        '/api/v1/mrt/rib?at=-1',
        "at: '-1' is not a time (Unix seconds, or ISO 8601 such as 2024-05-01T12:00:00Z)",
      ],
      ['/api/v1/mrt/rib?peer=nobody', "peer: 'nobody' is not an IPv4 or IPv6 address"],
    ]
    for (const [path, error] of bad) {
      const res = await f.collector.api.request(path)
      expect([path, ErrorSchema.parse(await res.json())]).toEqual([path, { status: 400, error }])
    }
  })
})
