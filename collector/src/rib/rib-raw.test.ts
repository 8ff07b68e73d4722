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
  encodeMessage,
  type IpPrefixNlri,
  NO_FAMILIES,
  type UpdateMessage,
  updateRoutes,
} from '../bgp/index.ts'
import { toHex } from '../wire/hex.ts'
import { createRib, type Rib } from './index.ts'
import { withdraw4, withdrawMp } from './test-updates.ts'

// Rib.applyRaw against Rib.apply: every UPDATE the codec finds clean, fed to
// one RIB through decodeMessage + updateRoutes + apply and to another
// through applyRaw, leaves both holding the same paths, with the same
// attribute sets and counts, and each call reports the same changes.

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
          if (type === 'UPDATE' && hex && hex.length === 2 * Number(length)) out.push(Buffer.from(hex, 'hex'))
        }
      }
    }
  }
  walk(dir)
  return out
}

/** Everything a RIB holds, as text: every route of every family in key order, counts and figures. */
function dump(rib: Rib, peers: readonly number[]): unknown {
  const routes: string[] = []
  for (const family of rib.families()) {
    for (const e of rib.entries(family)) {
      for (const r of e.routes) {
        const a = r.attributes
        routes.push(
          `${family} ${r.key} ${r.peer} ${r.pathId ?? '-'} ${JSON.stringify(r.nlri)} ${a.asn4} ${toHex(a.nextHopRaw)} ${toHex(a.raw)} ${r.stale}`,
        )
      }
    }
  }
  const { storageBytes: _, ...stats } = rib.stats()
  return { routes, stats, counts: peers.map((p) => rib.counts(p)) }
}

/** Feeds the messages to both RIBs, alternating between two peers; returns how many were applied. */
function feed(messages: readonly Uint8Array[], ctx: CodecContext, rnd: () => number): number {
  const viaApply = createRib()
  const viaRaw = createRib()
  const peers = [viaApply.peer('a'), viaApply.peer('b')]
  expect([viaRaw.peer('a'), viaRaw.peer('b')]).toEqual(peers)
  let applied = 0
  for (const m of messages) {
    const d = decodeMessage(m, ctx)
    if (d.problems.length || d.message?.type !== 'UPDATE') continue
    const peer = peers[rnd() < 0.5 ? 0 : 1]!
    const routes = updateRoutes(d.message as UpdateMessage, d.problems, ctx)
    expect(viaRaw.applyRaw(peer, m, ctx)).toEqual(viaApply.apply(peer, routes, m, ctx))
    applied++
  }
  expect(dump(viaRaw, peers)).toEqual(dump(viaApply, peers))
  return applied
}

describe('Rib.applyRaw', () => {
  it('holds what apply holds for a synthetic table, with and without ADD-PATH, and its withdrawal', () => {
    const table = synthTable({ ipv4: 3000, ipv6: 1000, seed: 11 })
    for (const addPath of [false, true]) {
      const stream = synthUpdates(table, { addPath })
      const rnd = random(5)
      // Part of the table again (each path replaces itself), then withdrawn in UPDATEs of 50.
      const again = stream.messages.slice(0, 600)
      const withdrawals: Uint8Array[] = []
      for (const m of again) {
        const routes = updateRoutes(decodeMessage(m, stream.ctx).message as UpdateMessage, [], stream.ctx)
        for (const a of routes.announce) {
          for (let i = 0; i < a.nlri.length; i += 50) {
            const nlri = a.nlri.slice(i, i + 50)
            const w =
              a.afi === 1 && a.safi === 1
                ? withdraw4(nlri as IpPrefixNlri[])
                : withdrawMp(a.afi, a.safi, nlri)
            withdrawals.push(encodeMessage(w, stream.ctx))
          }
        }
      }
      const all = [...stream.messages, ...again, ...withdrawals]
      expect(feed(all, stream.ctx, () => rnd.next())).toBe(all.length)
    }
  })

  const dir = requireTestdata('rib raw apply')

  it.runIf(dir)('holds what apply holds for every clean captured UPDATE, in every context', () => {
    const updates = fixtureUpdates(dir!)
    expect(updates.length).toBeGreaterThan(100)
    for (const ctx of CONTEXTS) {
      const rnd = random(7)
      expect(feed(updates, ctx, () => rnd.next())).toBeGreaterThan(20)
    }
  })

  it.runIf(dir)(
    'holds what apply holds for damaged UPDATEs that still decode clean (seeded mutations)',
    () => {
      const rnd = random(20240502)
      const originals = [
        ...fixtureUpdates(dir!),
        ...synthUpdates(synthTable({ ipv4: 300, ipv6: 100, seed: 3 }), { addPath: true }).messages,
      ]
      const mutated: Uint8Array[] = []
      for (let round = 0; round < 10; round++) {
        for (const original of originals) {
          if (original.length <= 23) continue
          const m = original.slice()
          for (let i = rnd.int(1, 2); i > 0; i--) m[rnd.int(19, m.length - 1)] = rnd.int(0, 255)
          mutated.push(m)
        }
      }
      let applied = 0
      for (const ctx of CONTEXTS) applied += feed(mutated, ctx, () => rnd.next())
      expect(applied).toBeGreaterThan(500)
    },
  )
})
