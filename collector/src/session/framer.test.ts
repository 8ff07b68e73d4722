import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { requireTestdata } from '../../test-support/testdata.ts'
import { fromHex, toHex } from '../wire/hex.ts'
import { Framer } from './framer.ts'

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.messages.tsv')) out.push(p)
  }
  return out
}

/** The byte streams of each fixture, one per TCP direction, with the messages they hold. */
function streams(dir: string): { name: string; stream: Uint8Array; messages: string[] }[] {
  const out: { name: string; stream: Uint8Array; messages: string[] }[] = []
  for (const file of walk(dir).sort()) {
    const byDirection = new Map<string, string[]>()
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue
      const [direction, , length, hex] = line.split('\t') as [string, string, string, string]
      // A message the capture cut short is not a message: leave it out.
      if (hex.length !== 2 * Number(length)) continue
      const list = byDirection.get(direction) ?? []
      list.push(hex.toLowerCase())
      byDirection.set(direction, list)
    }
    for (const [direction, messages] of byDirection) {
      out.push({ name: `${relative(dir, file)} ${direction}`, stream: fromHex(messages.join(''))!, messages })
    }
  }
  return out
}

function frame(chunks: Uint8Array[], extendedMessage = false): string[] {
  const f = new Framer()
  f.extendedMessage = extendedMessage
  const got: string[] = []
  for (const c of chunks) {
    const err = f.push(c, (m) => got.push(toHex(m)))
    expect(err).toBeUndefined()
  }
  expect(f.buffered).toBe(0)
  return got
}

function message(type: number, bodyLength: number, fill = 0xab): Uint8Array {
  const m = new Uint8Array(19 + bodyLength).fill(fill)
  m.fill(0xff, 0, 16)
  m[16] = (19 + bodyLength) >> 8
  m[17] = (19 + bodyLength) & 0xff
  m[18] = type
  return m
}

describe('framer', () => {
  const dir = requireTestdata('session framer')

  it.runIf(dir)('yields the same messages from every fixture split at every offset', () => {
    const all = streams(dir!)
    expect(all.length).toBeGreaterThan(30)
    let splits = 0
    for (const { name, stream, messages } of all) {
      expect(frame([stream]), name).toEqual(messages)
      for (let k = 0; k <= stream.length; k++) {
        const got = frame([stream.subarray(0, k), stream.subarray(k)])
        if (got.length !== messages.length || got.some((m, i) => m !== messages[i])) {
          expect(got, `${name} split at ${k}`).toEqual(messages)
        }
        splits++
      }
    }
    expect(splits).toBeGreaterThan(25_000)
  })

  it.runIf(dir)('yields the same messages when fed one octet at a time and in three uneven pieces', () => {
    for (const { name, stream, messages } of streams(dir!)) {
      const bytes = [...stream].map((b) => Uint8Array.of(b))
      expect(frame(bytes), name).toEqual(messages)
      for (const [a, b] of [
        [1, 20],
        [18, 19],
        [19, 40],
        [7, stream.length - 3],
      ] as const) {
        if (b > stream.length || a > b) continue
        expect(frame([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]), name).toEqual(
          messages,
        )
      }
    }
  })

  it('hands out views of the chunk, not copies, for messages inside one chunk', () => {
    const chunk = new Uint8Array([...message(4, 0), ...message(2, 10)])
    const views: Uint8Array[] = []
    new Framer().push(chunk, (m) => views.push(m))
    expect(views.map((v) => [v.buffer === chunk.buffer, v.byteOffset, v.length])).toEqual([
      [true, 0, 19],
      [true, 19, 29],
    ])
  })

  it('accepts extended messages only once negotiated, and never for OPEN or KEEPALIVE', () => {
    const big = message(2, 60_000)
    expect(frame([big.subarray(0, 1000), big.subarray(1000)], true)).toEqual([toHex(big)])
    const f = new Framer()
    expect(f.push(big, () => {})).toEqual({
      reason: 'message length 60019 outside 19..4096',
      notification: { type: 'NOTIFICATION', code: 1, subcode: 2, data: 'ea73' },
    })
    const f2 = new Framer()
    f2.extendedMessage = true
    expect(f2.push(message(1, 5000), () => {})?.notification).toEqual({
      type: 'NOTIFICATION',
      code: 1,
      subcode: 2,
      data: '139b',
    })
  })

  it('reports a bad marker once and frames nothing after it', () => {
    const good = message(4, 0)
    const bad = message(4, 0)
    bad[3] = 0
    const f = new Framer()
    const got: string[] = []
    const err = f.push(new Uint8Array([...good, ...bad, ...good]), (m) => got.push(toHex(m)))
    expect(got).toEqual([toHex(good)])
    expect(err).toEqual({
      reason: 'marker is not all ones',
      notification: { type: 'NOTIFICATION', code: 1, subcode: 1, data: '' },
    })
    expect(f.push(good, (m) => got.push(toHex(m)))).toBe(err)
    expect(got.length).toBe(1)
  })

  it('rejects a length below the header size even when the header arrives in pieces', () => {
    const m = message(4, 0)
    m[17] = 18
    const f = new Framer()
    expect(f.push(m.subarray(0, 10), () => {})).toBeUndefined()
    expect(f.push(m.subarray(10), () => {})).toEqual({
      reason: 'message length 18 outside 19..4096',
      notification: { type: 'NOTIFICATION', code: 1, subcode: 2, data: '0012' },
    })
  })
})
