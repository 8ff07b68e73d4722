// What the API should answer, worked out independently of the collector:
// from bgpdump's own reading of the replayed MRT file (its `-m` lines, made by
// Debian's bgpdump 1.6.2 and kept beside the file), with each MRT peer renamed
// to the session that replayed it.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RouteDto } from '../../collector/src/api/index.ts'
import { REPLAY_AS, REPLAY_FILE } from './fixture.ts'

/** One bgpdump -m line, split: [type, time, A|W|B|STATE, peer, peer AS, prefix, path, origin, next hop, LOCAL_PREF, MED, communities, AG|NAG, aggregator]. */
export type Fields = string[]

export function fields(line: string): Fields {
  return line.split('|')
}

/** bgpdump's lines of the replayed file, peers renamed to their sessions, AS to the replaying AS. */
export function replayedLines(testdata: string, sessionOf: ReadonlyMap<string, string>): Fields[] {
  const text = readFileSync(join(testdata, `${REPLAY_FILE}.bgpdump.txt`), 'utf8')
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const f = fields(l)
      f[3] = sessionOf.get(f[3]!)!
      f[4] = String(REPLAY_AS)
      return f
    })
}

/** Runs the real bgpdump on a file; its -m lines. */
export function bgpdump(file: string): Fields[] {
  return execFileSync('bgpdump', ['-m', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 30,
  })
    .split('\n')
    .filter(Boolean)
    .map(fields)
}

/** The table the lines leave: (peer, prefix) → the last announcement, withdrawn ones removed. */
export function finalTable(lines: readonly Fields[]): Map<string, Fields> {
  const t = new Map<string, Fields>()
  for (const f of lines) {
    const key = `${f[3]} ${f[5]}`
    if (f[2] === 'A') t.set(key, f)
    else if (f[2] === 'W') t.delete(key)
  }
  return t
}

/** The route part of a line, as the API's routes are compared with it: peer|prefix|path|origin|next hop|LP|MED|communities|AG|aggregator. */
export function routeText(f: Fields): string {
  return [f[3], f[5], ...f.slice(6, 14)].join('|')
}

const WELL_KNOWN: Readonly<Record<string, string>> = {
  NO_EXPORT: 'no-export',
  NO_ADVERTISE: 'no-advertise',
  NO_EXPORT_SUBCONFED: 'no-export-subconfed',
}

/** A RouteDto in the same form. */
export function dtoText(r: RouteDto): string {
  return [
    r.peer,
    r.prefix,
    r.asPath,
    (r.origin ?? 'incomplete').toUpperCase(),
    r.nextHop[0] ?? '',
    String(r.localPref ?? 0),
    String(r.med ?? 0),
    r.communities.map((c) => WELL_KNOWN[c] ?? c).join(' '),
    r.atomicAggregate ? 'AG' : 'NAG',
    r.aggregator ? `${r.aggregator.asn} ${r.aggregator.address}` : '',
  ].join('|')
}
