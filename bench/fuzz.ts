// `npm run bench -- fuzz`: a seeded fuzzer of the message decoder. Inputs are
// (a) random octets behind a valid-looking header and (b) mutations of valid
// messages (bit flips, byte inserts and deletes, length-field tweaks,
// truncation, splicing, and inserts, deletes and cuts inside a structure with
// every enclosing length field moved to match), taken from the codec's
// sample messages (by message type, so OPENs get their share), synthetic
// UPDATEs and every message of the shared testdata captures, decoded under
// every context (4-octet AS on/off, ADD-PATH all/none, extended messages
// on/off). The property checked on each (`checkCase`):
//  - decodeMessage never throws;
//  - every problem has a ProblemKind of errors.ts, an action, an offset inside
//    the input and a reason, and the result's action is the strongest of them;
//  - a message without problems is there, and encodes back to exactly the
//    input octets; any message encodes or throws only WireError/CodecError;
//  - the route view and the JSON form of a decoded UPDATE never throw.
// A crash is a throw from the codec that is not one of its typed errors; a
// violation is any other failure of the property. Both must stay 0.
// Options: --cases N (default 1,000,000), --seed S (default 1).

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  ALL_FAMILIES,
  type CodecContext,
  CodecError,
  codecContext,
  type DecodeResult,
  decodeMessage,
  type ErrorAction,
  encodeMessage,
  NO_FAMILIES,
  NOTIFY,
  strongestAction,
  toJson,
  type UpdateMessage,
  updateRoutes,
} from '../collector/src/bgp/index.ts'
import { fromHex } from '../collector/src/wire/hex.ts'
import { WireError } from '../collector/src/wire/reader.ts'
import { SAMPLES } from '../collector/test-support/samples.ts'
import { testdataDir } from '../collector/test-support/testdata.ts'
import type { BenchSuite } from '../tools/bench.ts'
import { type Random, random } from '../tools/synth/random.ts'
import { synthTable } from '../tools/synth/table.ts'
import { synthUpdates } from '../tools/synth/updates.ts'
import { report } from './report.ts'

/** Every context a message is decoded under. */
export const CONTEXTS: readonly CodecContext[] = [false, true].flatMap((asn4) =>
  [NO_FAMILIES, ALL_FAMILIES].flatMap((addPath) =>
    [false, true].map((extendedMessage) => codecContext({ asn4, addPath, extendedMessage })),
  ),
)

const KINDS = new Set<string>(
  Object.entries(NOTIFY).flatMap(([group, g]) =>
    Object.keys(g.subcodes).map((sub) => `NOTIFY.${group}.${sub}`),
  ),
)
const ACTIONS = new Set<ErrorAction>([
  'attribute-discard',
  'treat-as-withdraw',
  'afi-safi-disable',
  'session-reset',
])

export interface Failure {
  readonly kind: 'crash' | 'violation'
  readonly what: string
  readonly hex: string
  readonly ctx: CodecContext
}

function toHexString(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e)
}

/** The two functions under test; the fuzz test swaps in broken ones to show the check catches them. */
export interface MessageCodec {
  decodeMessage(buf: Uint8Array, ctx: CodecContext): DecodeResult
  encodeMessage(m: NonNullable<DecodeResult['message']>, ctx: CodecContext): Uint8Array
}

const CODEC: MessageCodec = { decodeMessage, encodeMessage }

/** Checks the property on one input; undefined when it holds. */
export function checkCase(
  bytes: Uint8Array,
  ctx: CodecContext,
  codec: MessageCodec = CODEC,
): Failure | undefined {
  return check(bytes, ctx, codec).failure
}

/** The check, and whether the input decoded without problems (so its exact re-encoding was checked). */
function check(
  bytes: Uint8Array,
  ctx: CodecContext,
  codec: MessageCodec,
): { readonly failure?: Failure; readonly clean: boolean } {
  const fail = (kind: Failure['kind'], what: string) => ({
    failure: { kind, what, hex: toHexString(bytes), ctx },
    clean: false,
  })
  let r: DecodeResult
  try {
    r = codec.decodeMessage(bytes, ctx)
  } catch (e) {
    return fail('crash', `decodeMessage threw ${describeError(e)}`)
  }
  for (const p of r.problems) {
    if (!KINDS.has(p.kind)) return fail('violation', `problem kind ${p.kind}`)
    if (!ACTIONS.has(p.action)) return fail('violation', `problem action ${p.action}`)
    if (!Number.isInteger(p.offset) || p.offset < 0 || p.offset > bytes.length) {
      return fail('violation', `problem offset ${p.offset} outside 0..${bytes.length}: ${p.reason}`)
    }
    if (typeof p.reason !== 'string' || !p.reason) return fail('violation', 'problem without a reason')
  }
  if (r.action !== strongestAction(r.problems)) return fail('violation', `action ${r.action}`)
  const clean = r.problems.length === 0
  if (clean && !r.message) return fail('violation', 'no problems and no message')
  if (!r.message) return { clean: false }
  let out: Uint8Array | undefined
  try {
    out = codec.encodeMessage(r.message, ctx)
  } catch (e) {
    if (!(e instanceof WireError || e instanceof CodecError)) {
      return fail('crash', `encodeMessage threw ${describeError(e)}`)
    }
    if (clean) return fail('violation', `a clean message does not encode: ${describeError(e)}`)
  }
  if (clean && out && !equalBytes(out, bytes.subarray(0, r.length))) {
    return fail('violation', `re-encoded as ${toHexString(out)}`)
  }
  try {
    if (r.message.type === 'UPDATE') updateRoutes(r.message as UpdateMessage, r.problems, ctx)
    toJson(r.message)
  } catch (e) {
    return fail('crash', `route view or JSON threw ${describeError(e)}`)
  }
  return { clean }
}

// ---- inputs ----

function withLength(b: Uint8Array): Uint8Array {
  if (b.length >= 18 && b.length <= 0xffff) {
    b[16] = b.length >>> 8
    b[17] = b.length & 0xff
  }
  return b
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A length field at `at` (1 or 2 octets) declaring the octets [start, end) (AIGP TLVs count their header too). */
interface LengthField {
  readonly at: number
  readonly width: 1 | 2
  readonly start: number
  readonly end: number
}

function read(b: Uint8Array, at: number, width: 1 | 2): number {
  return width === 1 ? b[at]! : (b[at]! << 8) | b[at + 1]!
}

/** Path attributes in [p, end): each one's length field, and those inside MP_REACH_NLRI, ATTR_SET and AIGP. */
function attributeFields(b: Uint8Array, p: number, end: number, out: LengthField[], depth: number): void {
  while (p + 3 <= end) {
    const width = b[p]! & 0x10 ? 2 : 1
    if (p + 2 + width > end) return
    const code = b[p + 1]
    const v = p + 2 + width
    const len = read(b, p + 2, width)
    out.push({ at: p + 2, width, start: v, end: v + len })
    const vEnd = Math.min(end, v + len)
    if (code === 14 && v + 4 <= vEnd) out.push({ at: v + 3, width: 1, start: v + 4, end: v + 4 + b[v + 3]! })
    if (code === 128 && depth < 2) attributeFields(b, v + 4, vEnd, out, depth + 1)
    if (code === 26) {
      for (let t = v; t + 3 <= vEnd; ) {
        const tl = read(b, t + 1, 2)
        out.push({ at: t + 1, width: 2, start: t, end: t + tl })
        if (tl < 3) break
        t += tl
      }
    }
    p = v + len
  }
}

/** The length fields of a message, nested ones included, as far as they can be followed. */
function lengthFields(b: Uint8Array): LengthField[] {
  const out: LengthField[] = []
  if (b.length < 19) return out
  out.push({ at: 16, width: 2, start: 0, end: read(b, 16, 2) })
  const type = b[18]
  if (type === 2 && b.length >= 23) {
    const wlen = read(b, 19, 2)
    out.push({ at: 19, width: 2, start: 21, end: 21 + wlen })
    const alenAt = 21 + wlen
    if (alenAt + 2 > b.length) return out
    const alen = read(b, alenAt, 2)
    out.push({ at: alenAt, width: 2, start: alenAt + 2, end: alenAt + 2 + alen })
    attributeFields(b, alenAt + 2, Math.min(b.length, alenAt + 2 + alen), out, 0)
  } else if (type === 1 && b.length >= 29 && !(b[28] === 255 && b[29] === 255)) {
    out.push({ at: 28, width: 1, start: 29, end: 29 + b[28]! })
    const end = Math.min(b.length, 29 + b[28]!)
    for (let p = 29; p + 2 <= end; p += 2 + b[p + 1]!) {
      const pEnd = p + 2 + b[p + 1]!
      out.push({ at: p + 1, width: 1, start: p + 2, end: pEnd })
      if (b[p] !== 2) continue
      for (let c = p + 2; c + 2 <= Math.min(end, pEnd); c += 2 + b[c + 1]!) {
        out.push({ at: c + 1, width: 1, start: c + 2, end: c + 2 + b[c + 1]! })
      }
    }
  } else if (type === 3 && b.length >= 22) {
    out.push({ at: 21, width: 1, start: 22, end: 22 + b[21]! })
  }
  return out
}

/**
 * Inserts `insert` at `pos` after deleting `del` octets there, and moves every
 * length field whose octets enclose the change by the difference, so that the
 * change lands inside the structure instead of breaking the lengths around it.
 */
function splice(b: Uint8Array, pos: number, del: number, insert: Uint8Array): Uint8Array {
  const delta = insert.length - del
  const fields = lengthFields(b).filter((f) => f.start <= pos && pos + del <= f.end && f.at < pos)
  const out = concat(b.subarray(0, pos), insert, b.subarray(pos + del))
  for (const f of fields) {
    const v = read(out, f.at, f.width) + delta
    if (v < 0 || v > (f.width === 1 ? 0xff : 0xffff)) continue
    if (f.width === 1) out[f.at] = v
    else {
      out[f.at] = v >>> 8
      out[f.at + 1] = v & 0xff
    }
  }
  return out
}

function tweak(rnd: Random, old: number, max: number): number {
  switch (rnd.int(0, 5)) {
    case 0:
      return Math.min(max, old + 1)
    case 1:
      return Math.max(0, old - 1)
    case 2:
      return Math.max(0, Math.min(max, old + rnd.int(-8, 8)))
    case 3:
      return 0
    case 4:
      return max
    default:
      return rnd.int(0, max)
  }
}

/** One mutation of a copy of `b` (splicing takes a second input). */
function mutate(rnd: Random, b: Uint8Array, other: Uint8Array): Uint8Array {
  const fix = rnd.next() < 0.7
  switch (rnd.int(0, 9)) {
    case 8:
    case 9: {
      // Inside a structure: delete octets, insert random ones, or cut a structure short, lengths kept consistent.
      if (b.length < 20) return b.slice()
      const pos = rnd.int(19, b.length)
      const inner = lengthFields(b)
        .filter((f) => f.start <= pos && pos <= f.end && f.at < pos)
        .reduce<LengthField | undefined>(
          (a, f) => (!a || f.end - f.start < a.end - a.start ? f : a),
          undefined,
        )
      const room = Math.max(0, Math.min(b.length, inner?.end ?? b.length) - pos)
      switch (rnd.int(0, 2)) {
        case 0:
          return splice(b, pos, rnd.int(0, Math.min(room, 12)), new Uint8Array(0))
        case 1:
          return splice(b, pos, 0, rnd.bytes(rnd.int(1, 12)))
        default:
          return splice(b, pos, room, new Uint8Array(0))
      }
    }
    case 0: {
      const out = b.slice()
      for (let i = rnd.int(1, 4); i > 0 && out.length; i--) {
        const at = rnd.int(0, out.length - 1)
        out[at]! ^= 1 << rnd.int(0, 7)
      }
      return out
    }
    case 1: {
      const out = b.slice()
      if (out.length) out[rnd.int(0, out.length - 1)] = rnd.int(0, 255)
      return out
    }
    case 2: {
      const at = rnd.int(0, b.length)
      const out = concat(b.subarray(0, at), rnd.bytes(rnd.int(1, 8)), b.subarray(at))
      return fix ? withLength(out) : out
    }
    case 3: {
      if (b.length < 20) return b.slice()
      const at = rnd.int(19, b.length - 1)
      const n = rnd.int(1, Math.min(8, b.length - at))
      const out = concat(b.subarray(0, at), b.subarray(at + n))
      return fix ? withLength(out) : out
    }
    case 4:
    case 5: {
      const out = b.slice()
      const fields = lengthFields(out)
      if (!fields.length) return out
      const { at, width } = rnd.pick(fields)
      if (width === 1) {
        if (at < out.length) out[at] = tweak(rnd, out[at]!, 0xff)
      } else if (at + 1 < out.length) {
        const v = tweak(
          rnd,
          (out[at]! << 8) | out[at + 1]!,
          at === 16 ? Math.max(out.length + 4, 19) : 0xffff,
        )
        out[at] = v >>> 8
        out[at + 1] = v & 0xff
      }
      return out
    }
    case 6: {
      const out = b.slice(0, rnd.int(0, b.length))
      return fix ? withLength(out) : out
    }
    default: {
      const head = b.subarray(0, rnd.int(Math.min(19, b.length), b.length))
      const tail = other.subarray(rnd.int(Math.min(19, other.length), other.length))
      const out = concat(head, tail)
      return fix ? withLength(out) : out
    }
  }
}

const ATTR_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 25, 26, 32, 35, 128, 99]
const FLAGS = [0x40, 0x80, 0xc0, 0xd0, 0x90, 0x50, 0xe0, 0x00]

/** Random octets behind a valid-looking header; UPDATEs often with plausible length fields. */
function randomMessage(rnd: Random): Uint8Array {
  const type = rnd.weighted([
    [2, 6],
    [1, 2],
    [3, 1],
    [4, 1],
    [5, 1],
    [rnd.int(0, 255), 1],
  ] as const)
  let body: Uint8Array
  if (type === 2 && rnd.next() < 0.6) {
    const attrs: number[] = []
    for (let i = rnd.int(0, 6); i > 0; i--) {
      const flags = rnd.pick(FLAGS)
      const code = rnd.pick(ATTR_CODES)
      const value = [...rnd.bytes(rnd.int(0, rnd.next() < 0.9 ? 24 : 300))]
      if (flags & 0x10) attrs.push(flags, code, value.length >>> 8, value.length & 0xff, ...value)
      else attrs.push(flags, code, value.length & 0xff, ...value.slice(0, 255))
    }
    const withdrawn = [...rnd.bytes(rnd.next() < 0.7 ? 0 : rnd.int(1, 12))]
    const nlri = [...rnd.bytes(rnd.next() < 0.5 ? 0 : rnd.int(1, 12))]
    body = Uint8Array.from([
      withdrawn.length >>> 8,
      withdrawn.length & 0xff,
      ...withdrawn,
      attrs.length >>> 8,
      attrs.length & 0xff,
      ...attrs,
      ...nlri,
    ])
  } else {
    body = rnd.bytes(
      rnd.weighted([
        [rnd.int(0, 8), 3],
        [rnd.int(0, 64), 4],
        [rnd.int(0, 600), 2],
        [rnd.int(4000, 5000), 1],
      ] as const),
    )
  }
  const out = new Uint8Array(19 + body.length).fill(0xff)
  out.set(body, 19)
  out[18] = type
  const length = rnd.next() < 0.9 ? out.length : rnd.int(0, 0xffff)
  out[16] = length >>> 8
  out[17] = length & 0xff
  return out
}

/** The valid messages mutations start from. */
export function seedMessages(options: { testdata?: string | undefined } = {}): Uint8Array[] {
  const seeds: Uint8Array[] = SAMPLES.map((s) => s.bytes)
  const table = synthTable({ seed: 7, ipv4: 300, ipv6: 100 })
  for (const addPath of [false, true]) seeds.push(...synthUpdates(table, { addPath }).messages)
  if (options.testdata) seeds.push(...testdataMessages(options.testdata))
  return seeds
}

/** Every message of the testdata's `*.messages.tsv` files (direction, type, length, hex). */
export function testdataMessages(dir: string): Uint8Array[] {
  const out: Uint8Array[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.messages.tsv')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (!line || line.startsWith('#')) continue
          const hex = line.split('\t')[3]
          const b = hex ? fromHex(hex) : undefined
          if (b?.length) out.push(b)
        }
      }
    }
  }
  walk(join(dir, 'bgp'))
  return out
}

export interface FuzzStats {
  cases: number
  random: number
  mutated: number
  /** inputs that decoded without any problem (and so were checked to re-encode exactly) */
  clean: number
  crashes: number
  violations: number
  readonly failures: Failure[]
}

/** Runs `cases` inputs from `seed`, keeping the first few failures. */
export function fuzz(options: {
  cases: number
  seed: number
  seeds: readonly Uint8Array[]
  keep?: number
}): FuzzStats {
  const rnd = random(options.seed)
  const stats: FuzzStats = {
    cases: 0,
    random: 0,
    mutated: 0,
    clean: 0,
    crashes: 0,
    violations: 0,
    failures: [],
  }
  const keep = options.keep ?? 20
  const seeds = options.seeds
  // Seeds are picked by message type first, so that the few OPENs and NOTIFICATIONs
  // among hundreds of captured UPDATEs get their share of mutations.
  const byType = new Map<number, Uint8Array[]>()
  for (const b of seeds) {
    const t = b.length > 18 ? b[18]! : 0
    byType.set(t, [...(byType.get(t) ?? []), b])
  }
  const TYPE_WEIGHT: Record<number, number> = { 1: 25, 2: 50, 3: 10, 4: 5, 5: 10 }
  const types = [...byType.keys()].map((t) => [t, TYPE_WEIGHT[t] ?? 5] as const)
  const pickSeed = () => rnd.pick(byType.get(rnd.weighted(types))!)
  for (let i = 0; i < options.cases; i++) {
    let input: Uint8Array
    if (rnd.next() < 0.25 || seeds.length === 0) {
      input = randomMessage(rnd)
      stats.random++
    } else {
      input = pickSeed()
      for (
        let m = rnd.weighted([
          [1, 6],
          [2, 3],
          [3, 1],
        ] as const);
        m > 0;
        m--
      ) {
        input = mutate(rnd, input, pickSeed())
      }
      stats.mutated++
    }
    const ctx = rnd.pick(CONTEXTS)
    const { failure, clean } = check(input, ctx, CODEC)
    stats.cases++
    if (failure) {
      if (failure.kind === 'crash') stats.crashes++
      else stats.violations++
      if (stats.failures.length < keep) stats.failures.push(failure)
    } else if (clean) {
      stats.clean++
    }
  }
  return stats
}

export const suite: BenchSuite = {
  summary: 'fuzz the message decoder: random and mutated messages, no crash allowed',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { cases: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' } },
    })
    const cases = Number(values.cases)
    const seed = Number(values.seed)
    const dir = testdataDir()
    const seeds = seedMessages({ testdata: dir })
    process.stderr.write(
      `fuzz: ${cases} cases, seed ${seed}, ${seeds.length} seed messages${dir ? '' : ' (no testdata found)'}\n`,
    )
    const start = process.hrtime.bigint()
    const stats = fuzz({ cases, seed, seeds })
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const base = { suite: 'fuzz', seed, seeds: seeds.length }
    report({
      ...base,
      name: 'cases',
      value: stats.cases,
      unit: 'cases',
      random: stats.random,
      mutated: stats.mutated,
      clean: stats.clean,
    })
    report({ ...base, name: 'cases/s', value: stats.cases / seconds, unit: 'cases/s' })
    report({ ...base, name: 'crashes', value: stats.crashes, unit: 'crashes' })
    report({ ...base, name: 'violations', value: stats.violations, unit: 'violations' })
    for (const f of stats.failures) process.stderr.write(`  ${f.kind}: ${f.what}\n    ${f.hex}\n`)
    if (stats.crashes || stats.violations) process.exitCode = 1
  },
}
