// The reader on damaged input (files cut short or with flipped octets, made
// from the real testdata in a temporary directory): a typed MrtError naming
// the kind, the record and its offset in the decompressed stream; with
// skipCorrupt, the rest is read and the skips counted. Compression is found
// from the content, not the name. A large input streams with flat memory.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  detectCompression,
  MrtError,
  MrtReader,
  type MrtRecord,
  recordAt,
} from '../../collector/src/mrt/index.ts'
import { writeSynthRib } from '../../tools/synth-cmd.ts'
import { mrtFiles, records, requireTestdata, tempDir } from './support.ts'

const testdata = requireTestdata('mrt reader')
const files = testdata ? mrtFiles(testdata) : []
const dir = tempDir('reader')
const file = (suffix: string) => files.find((f) => f.endsWith(suffix))!

/** Reads everything, returning the records and the error that stopped the reading, if any. */
async function readAll(
  input: string,
  skipCorrupt = false,
): Promise<{ recs: MrtRecord[]; error?: MrtError; reader: MrtReader }> {
  const reader = new MrtReader(input, { skipCorrupt })
  const recs: MrtRecord[] = []
  try {
    for await (const r of reader) recs.push(r)
  } catch (e) {
    if (!(e instanceof MrtError)) throw e
    return { recs, error: e, reader }
  }
  return { recs, reader }
}

/** The decompressed octets of a testdata file and where each record starts. */
async function plain(suffix: string): Promise<{ bytes: Buffer; offsets: number[] }> {
  const recs = await records(file(suffix))
  return { bytes: Buffer.concat(recs.map((r) => r.raw)), offsets: recs.map((r) => r.offset) }
}

describe('MRT reader on damaged input', () => {
  it.runIf(testdata)(
    'a file cut inside a record: MRT.TRUNCATED_RECORD with the record and its offset',
    async () => {
      const { bytes, offsets } = await plain('bird_bgp.mrt')
      const k = 20
      const cut = join(dir, 'cut.mrt')
      writeFileSync(cut, bytes.subarray(0, offsets[k]! + 30))
      const r = await readAll(cut)
      expect(r.recs).toHaveLength(k)
      expect(r.error).toMatchObject({
        kind: 'MRT.TRUNCATED_RECORD',
        recordIndex: k,
        recordOffset: offsets[k],
        offset: offsets[k]! + 30,
        type: 16,
        subtype: 4,
        source: cut,
      })
      expect(r.error!.message).toBe(
        `${cut}: MRT.TRUNCATED_RECORD: record #20 (BGP4MP/MESSAGE_AS4) at offset ${offsets[k]}, fault at offset ${offsets[k]! + 30}: the input ends after 30 of the record's ${offsets[k + 1]! - offsets[k]!} octets`,
      )
      const s = await readAll(cut, true)
      expect([s.recs.length, s.error, s.reader.skipped, Object.fromEntries(s.reader.skippedByKind)]).toEqual([
        k,
        undefined,
        1,
        { 'MRT.TRUNCATED_RECORD': 1 },
      ])
    },
  )

  it.runIf(testdata)('a file cut inside a header: MRT.TRUNCATED_HEADER', async () => {
    const { bytes, offsets } = await plain('bird_bgp.mrt')
    const cut = join(dir, 'cut-header.mrt')
    writeFileSync(cut, bytes.subarray(0, offsets[5]! + 7))
    const r = await readAll(cut)
    expect(r.recs).toHaveLength(5)
    expect(r.error).toMatchObject({
      kind: 'MRT.TRUNCATED_HEADER',
      recordIndex: 5,
      recordOffset: offsets[5],
      offset: offsets[5]! + 7,
    })
  })

  it.runIf(testdata)(
    'a gzip file cut short: MRT.DECOMPRESS after every whole record before the cut',
    async () => {
      const gz = readFileSync(file('updates.20071015.1505.gz'))
      const cut = join(dir, 'cut.gz')
      writeFileSync(cut, gz.subarray(0, gz.length >> 1))
      const r = await readAll(cut)
      expect(r.error?.kind).toBe('MRT.DECOMPRESS')
      expect(r.error?.reason).toMatch(/^gzip: unexpected end of file/)
      const all = await records(file('updates.20071015.1505.gz'))
      expect(r.recs.map((x) => x.offset)).toEqual(all.slice(0, r.recs.length).map((x) => x.offset))
      expect(r.error?.recordIndex).toBe(r.recs.length)
      expect(r.error?.recordOffset).toBe(all[r.recs.length]!.offset)
      expect(r.recs.length).toBeGreaterThan(1000)
      const s = await readAll(cut, true)
      expect([s.recs.length, s.error, s.reader.skipped]).toEqual([r.recs.length, undefined, 1])
    },
  )

  it.runIf(testdata)('a bzip2 file cut short or with a flipped octet: MRT.DECOMPRESS', async () => {
    const bz = readFileSync(file('routeviews.route-views.jinx.updates.1427846400.bz2'))
    const cut = join(dir, 'cut.bz2')
    writeFileSync(cut, bz.subarray(0, bz.length >> 1))
    expect((await readAll(cut)).error).toMatchObject({
      kind: 'MRT.DECOMPRESS',
      recordIndex: 0,
      recordOffset: 0,
    })
    const flipped = Buffer.from(bz)
    flipped[2000]! ^= 0xff
    const bad = join(dir, 'flipped.bz2')
    writeFileSync(bad, flipped)
    const r = await readAll(bad)
    expect(r.error?.kind).toBe('MRT.DECOMPRESS')
    expect(r.error?.reason).toBe('bzip2: Error in bzip2: crc32 do not match')
  })

  it.runIf(testdata)(
    'a flipped address family: MRT.MALFORMED_RECORD at that octet; skipping loses that record only',
    async () => {
      const { bytes, offsets } = await plain('openbgpd_bgp.mrt')
      const k = 10
      const damaged = Buffer.from(bytes)
      const afiAt = offsets[k]! + 12 + 8 + 2 // header, two 4-octet ASes, interface index
      expect([damaged[offsets[k]! + 7], damaged[afiAt], damaged[afiAt + 1]]).toEqual([4, 0, 2]) // MESSAGE_AS4, IPv6 peer
      damaged[afiAt]! ^= 0x80
      const bad = join(dir, 'flipped-afi.mrt')
      writeFileSync(bad, damaged)
      const r = await readAll(bad)
      expect(r.recs).toHaveLength(k)
      expect(r.error).toMatchObject({
        kind: 'MRT.MALFORMED_RECORD',
        recordIndex: k,
        recordOffset: offsets[k],
        offset: afiAt,
      })
      expect(r.error?.reason).toBe('address family 32770 is neither IPv4 (1) nor IPv6 (2)')
      const s = await readAll(bad, true)
      expect(s.recs.map((x) => x.index)).toEqual(offsets.map((_, i) => i).filter((i) => i !== k))
      expect(Object.fromEntries(s.reader.skippedByKind)).toEqual({ 'MRT.MALFORMED_RECORD': 1 })
    },
  )

  it.runIf(testdata)('a flipped Length: MRT.BAD_LENGTH; skipping finds the next record again', async () => {
    const { bytes, offsets } = await plain('updates.20071015.1505.gz')
    const k = 100
    const damaged = Buffer.from(bytes)
    damaged[offsets[k]! + 8]! ^= 0x40 // the high octet of the Length: 1 GiB and more
    const bad = join(dir, 'flipped-length.mrt')
    writeFileSync(bad, damaged)
    const r = await readAll(bad)
    expect(r.recs).toHaveLength(k)
    expect(r.error).toMatchObject({
      kind: 'MRT.BAD_LENGTH',
      recordIndex: k,
      recordOffset: offsets[k],
      offset: offsets[k]! + 8,
    })
    const s = await readAll(bad, true)
    expect(s.recs.map((x) => x.offset)).toEqual(offsets.filter((_, i) => i !== k))
    expect([s.reader.skipped, s.reader.skippedBytes]).toEqual([1, offsets[k + 1]! - offsets[k]!])
  })

  it.runIf(testdata)(
    'a RIB entry naming a peer the PEER_INDEX_TABLE does not have: MRT.MISSING_PEER_INDEX',
    async () => {
      const { bytes, offsets } = await plain('quagga_rib.mrt')
      const damaged = Buffer.from(bytes)
      // Record 1 is RIB_IPV4_UNICAST 172.17.0.0/24: header 12, sequence 4, prefix 1+3, entry count 2, then the peer index.
      const at = offsets[1]! + 12 + 4 + 4 + 2
      damaged[at + 1] = 9
      const bad = join(dir, 'peer-index.mrt')
      writeFileSync(bad, damaged)
      const r = await readAll(bad)
      expect(r.error).toMatchObject({ kind: 'MRT.MISSING_PEER_INDEX', recordIndex: 1, offset: at })
      expect(r.error?.reason).toBe('peer index 9 beyond the 2 peers of the PEER_INDEX_TABLE')
    },
  )
})

describe('MRT input compression', () => {
  it.runIf(testdata)(
    'finds plain, gzip (several members too) and bzip2 by content, whatever the name',
    async () => {
      const source = file('updates.bz2')
      const want = (await records(source)).map((r) => Buffer.from(r.raw).toString('hex'))
      const bytes = Buffer.from(want.join(''), 'hex')
      const half = (await records(source))[40]!.offset
      const inputs: Record<string, Buffer> = {
        'plain.gz': bytes, // plain content, misleading name
        'gzip.mrt': gzipSync(bytes),
        'members.mrt': Buffer.concat([gzipSync(bytes.subarray(0, half)), gzipSync(bytes.subarray(half))]),
        'bzip2.mrt': readFileSync(source),
      }
      expect(detectCompression(inputs['plain.gz']!)).toBe('plain')
      expect(detectCompression(inputs['gzip.mrt']!)).toBe('gzip')
      expect(detectCompression(inputs['bzip2.mrt']!)).toBe('bzip2')
      for (const [name, content] of Object.entries(inputs)) {
        const p = join(dir, name)
        writeFileSync(p, content)
        expect(
          (await records(p)).map((r) => Buffer.from(r.raw).toString('hex')),
          name,
        ).toEqual(want)
      }
    },
  )

  it('reads one record from a buffer', () => {
    const rec = Uint8Array.from([0, 0, 0, 1, 0, 16, 0, 0, 0, 0, 0, 2, 9, 9])
    expect(recordAt(rec)).toMatchObject({ timestamp: 1, type: 16, subtype: 0, length: 2, bodyStart: 12 })
    expect(recordAt(rec.subarray(0, 13))).toBeUndefined()
  })
})

describe('MRT reader memory', () => {
  it('streams 300 MB of records with flat memory', async () => {
    const synth = join(dir, 'synth.mrt')
    await writeSynthRib(synth, { ipv4: 20000, ipv6: 5000, peers: 2 })
    const all = readFileSync(synth)
    const first = recordAt(all)!
    const table = all.subarray(0, first.raw.length)
    const ribs = all.subarray(first.raw.length)
    const copies = Math.ceil((300 << 20) / ribs.length)
    async function* big() {
      yield table
      // Fresh buffers each time, as a file read would give.
      for (let i = 0; i < copies; i++) yield Buffer.from(ribs)
    }
    const reader = new MrtReader(big())
    let n = 0
    let entries = 0
    const start = process.memoryUsage()
    let maxHeap = 0
    let maxRss = 0
    for await (const batch of reader.batches()) {
      for (const r of batch) {
        n++
        if (r.body?.kind === 'RIB') entries += r.body.rib.entries.length
      }
      const m = process.memoryUsage()
      maxHeap = Math.max(maxHeap, m.heapUsed)
      maxRss = Math.max(maxRss, m.rss)
    }
    expect(n).toBe(1 + copies * 25000)
    expect(entries).toBe(copies * 50000)
    expect(reader.bytes).toBeGreaterThan(300 << 20)
    // Reading 300 MB may not hold more than a few dozen MB at any time.
    expect(maxHeap - start.heapUsed).toBeLessThan(64 << 20)
    expect(maxRss - start.rss).toBeLessThan(160 << 20)
  })
})
