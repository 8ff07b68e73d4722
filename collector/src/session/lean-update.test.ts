import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { random } from '../../../tools/synth/random.ts'
import { synthTable } from '../../../tools/synth/table.ts'
import { synthUpdates } from '../../../tools/synth/updates.ts'
import { requireTestdata } from '../../test-support/testdata.ts'
import {
  ALL_FAMILIES,
  type CodecContext,
  decodeMessage,
  familyByName,
  familyKey,
  NO_FAMILIES,
  type UpdateMessage,
  updateRoutes,
} from '../bgp/index.ts'
import { fromHex } from '../wire/hex.ts'
import {
  announcedFamilies,
  leanUpdate,
  newUpdateScan,
  scanUpdate,
  UNDECODED_ATTRIBUTES,
} from './lean-update.ts'

const CONTEXTS: readonly CodecContext[] = [
  { asn4: true, addPath: NO_FAMILIES, extendedMessage: true },
  { asn4: false, addPath: NO_FAMILIES, extendedMessage: true },
  { asn4: true, addPath: ALL_FAMILIES, extendedMessage: true },
]

function fixtureUpdates(dir: string): Uint8Array[] {
  const out: Uint8Array[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.messages.tsv')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          const [, type, length, hex] = line.split('\t')
          if (type === 'UPDATE' && hex && hex.length === 2 * Number(length)) out.push(fromHex(hex)!)
        }
      }
    }
  }
  walk(dir)
  return out
}

const scan = newUpdateScan()

/** Checks the property on one message in one context; returns whether the fast path took it. */
function check(m: Uint8Array, ctx: CodecContext): boolean {
  const lean = leanUpdate(m, ctx)
  // The scan takes what leanUpdate takes, and says which families the routes are of.
  expect(scanUpdate(m, ctx, scan)).toBe(lean !== undefined)
  if (!lean) return false
  expect(announcedFamilies(scan)).toEqual(lean.announce.map((a) => familyKey(a.afi, a.safi)))
  expect(scan.endOfRib).toBe(lean.endOfRib === undefined ? -1 : familyByName(lean.endOfRib))
  const full = decodeMessage(m, ctx)
  // The fast path only ever takes what the full decode finds clean…
  expect(full.problems, 'a message the fast path took has problems').toEqual([])
  // …and reads the same routes from it.
  const routes = updateRoutes(full.message as UpdateMessage, full.problems, ctx)
  expect(lean).toEqual({ ...routes, attributes: UNDECODED_ATTRIBUTES })
  return true
}

describe('the UPDATE fast path', () => {
  it('reads a synthetic table exactly as the full decode does, with and without ADD-PATH', () => {
    const table = synthTable({ ipv4: 3000, ipv6: 1000, seed: 7 })
    for (const addPath of [false, true]) {
      const stream = synthUpdates(table, { addPath })
      let taken = 0
      for (const m of stream.messages) if (check(m, stream.ctx)) taken++
      // Every message of a clean table takes the fast path.
      expect(taken).toBe(stream.messages.length)
    }
  })

  const dir = requireTestdata('lean update')

  it.runIf(dir)('agrees with the full decode on every captured UPDATE in every context', () => {
    const updates = fixtureUpdates(dir!)
    expect(updates.length).toBeGreaterThan(100)
    let taken = 0
    for (const m of updates) for (const ctx of CONTEXTS) if (check(m, ctx)) taken++
    expect(taken).toBeGreaterThan(50)
  })

  it.runIf(dir)('never takes a damaged UPDATE the full decode finds a problem in (seeded mutations)', () => {
    const rnd = random(20240501)
    const updates = [
      ...fixtureUpdates(dir!),
      ...synthUpdates(synthTable({ ipv4: 300, ipv6: 100, seed: 3 }), { addPath: true }).messages,
    ]
    let taken = 0
    let tried = 0
    for (let round = 0; round < 20; round++) {
      for (const original of updates) {
        if (original.length <= 23) continue
        const m = original.slice()
        const flips = rnd.int(1, 3)
        for (let i = 0; i < flips; i++) m[rnd.int(19, m.length - 1)] = rnd.int(0, 255)
        for (const ctx of CONTEXTS) {
          tried++
          if (check(m, ctx)) taken++
        }
      }
    }
    expect(tried).toBeGreaterThan(10_000)
    expect(taken).toBeGreaterThan(100)
  })
})
