// `npm run bench -- decode`: UPDATE decode throughput on a synthetic full
// table (tools/synth/table.ts: ≈1.0M IPv4 + ≈0.22M IPv6 prefixes, ≈3 prefixes
// per UPDATE), as one peer sends it on session start, with ADD-PATH off and on.
// Figures: prefixes/s and UPDATEs/s for decode alone, and for decode plus the
// route view (RFC 7606 applied, attributes flattened) that the RIB consumes.
// Options: --scale F (table size factor, default 1), --seconds N per figure.

import { parseArgs } from 'node:util'
import { decodeMessage, type UpdateMessage, updateRoutes } from '../collector/src/bgp/index.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { synthTable } from '../tools/synth/table.ts'
import { synthUpdates } from '../tools/synth/updates.ts'
import { report, timeIt } from './report.ts'

export const suite: BenchSuite = {
  summary: 'UPDATE decode throughput on a synthetic full table',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { scale: { type: 'string', default: '1' }, seconds: { type: 'string', default: '3' } },
    })
    const scale = Number(values.scale)
    const seconds = Number(values.seconds)
    const table = synthTable({ ipv4: Math.round(1_000_000 * scale), ipv6: Math.round(220_000 * scale) })
    process.stderr.write(
      `decode: synthetic table of ${table.routes.length} prefixes, ${table.paths.length} attribute sets\n`,
    )
    for (const addPath of [false, true]) {
      const stream = synthUpdates(table, { addPath })
      const v4 = stream.messages.filter((m) => m.length > 23 && !hasMpReach(m))
      const v6 = stream.messages.filter((m) => hasMpReach(m))
      const tag = addPath ? 'add-path' : 'plain'
      for (const [fam, msgs, prefixes] of [
        ['ipv4', v4, stream.prefixes.ipv4],
        ['ipv6', v6, stream.prefixes.ipv6],
      ] as const) {
        const ctx = stream.ctx
        const decodeOnly = timeIt(() => {
          for (const m of msgs) decodeMessage(m, ctx)
          return 1
        }, seconds)
        const withRoutes = timeIt(() => {
          for (const m of msgs) {
            const r = decodeMessage(m, ctx)
            updateRoutes(r.message as UpdateMessage, r.problems, ctx)
          }
          return 1
        }, seconds)
        const base = { suite: 'decode', family: fam, addPath, updates: msgs.length, prefixes }
        report({
          ...base,
          name: `${fam} ${tag} decode prefixes/s`,
          value: decodeOnly.unitsPerSecond * prefixes,
          unit: 'prefixes/s',
        })
        report({
          ...base,
          name: `${fam} ${tag} decode UPDATEs/s`,
          value: decodeOnly.unitsPerSecond * msgs.length,
          unit: 'updates/s',
        })
        report({
          ...base,
          name: `${fam} ${tag} decode+routes prefixes/s`,
          value: withRoutes.unitsPerSecond * prefixes,
          unit: 'prefixes/s',
        })
      }
    }
  },
}

function hasMpReach(m: Uint8Array): boolean {
  // The synthetic IPv6 UPDATEs put MP_REACH_NLRI first: flags, then type 14 after the 2 length fields.
  return m.length > 25 && m[19] === 0 && m[20] === 0 && m[24] === 14
}
