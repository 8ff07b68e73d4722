// `routelake mrt convert IN OUT`: reads every record of IN, parses it, and
// writes it again with the MRT writer (each record encoded from its parsed
// fields, attribute and message octets as they were): the proof that the
// writer and the reader agree, which --verify checks by reading both files
// back. Also the way to cut files:
//   --filter …            keep only matching records (RIB records keep the
//                         matching entries; PEER_INDEX_TABLEs always stay)
//   --split-updates SECS  one output file per time window of SECS seconds,
//                         aligned to the epoch; OUT is a directory (files named
//                         updates.YYYYMMDD.HHMM, RIS-style) or a name with
//                         %Y %m %d %H %M %S %s for the window's start (UTC).
//                         Each file of a TABLE_DUMP_V2 input starts with the
//                         PEER_INDEX_TABLE in force.
//   --gzip / --no-gzip    compress the output (default: by OUT's .gz suffix)

import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type BgpMessage, codecContext, decodeMessage, toJson } from '../../collector/src/bgp/index.ts'
import {
  decodeRecord,
  legacyMessage,
  type MrtBody,
  type MrtError,
  MrtOutput,
  MrtReader,
  type MrtRecord,
  type MrtRecordValue,
  messageContext,
} from '../../collector/src/mrt/index.ts'
import type { MrtFilter } from './filter.ts'
import { recordRoutes } from './routes.ts'

export interface ConvertOptions {
  readonly input: string
  readonly output: string
  readonly gzip?: boolean | number
  readonly splitSeconds?: number
  readonly filter?: MrtFilter
  readonly skipCorrupt?: boolean
  readonly onRead?: (bytes: number, records: number) => void
  readonly onSkip?: (e: MrtError) => void
}

export interface ConvertResult {
  readonly read: number
  readonly written: number
  readonly skipped: number
  readonly files: readonly string[]
}

const LEGACY = codecContext({ asn4: false })

/** The record as the filter leaves it: unchanged, with fewer RIB entries, or gone. */
function filtered(rec: MrtRecord, body: MrtBody, filter: MrtFilter | undefined): MrtBody | undefined {
  if (!filter || filter.empty || body.kind === 'PEER_INDEX_TABLE') return body
  if (!filter.typeMatches(rec.type, rec.subtype)) return undefined
  let message: BgpMessage | undefined
  if (body.kind === 'BGP4MP_MESSAGE') {
    message = decodeMessage(
      body.message.message,
      messageContext(body.message.as4, body.message.addPath),
    ).message
  } else if (body.kind === 'BGP' && body.bgp.kind === 'message') {
    message = decodeMessage(legacyMessage(rec.subtype, body.bgp.body), LEGACY).message
  }
  const keep = new Set<number>()
  let any = false
  recordRoutes(rec, body, message, (r, entry) => {
    if (!filter.route(r)) return
    any = true
    if (entry >= 0) keep.add(entry)
  })
  if (!any) return undefined
  if (body.kind !== 'RIB') return body
  return { kind: 'RIB', rib: { ...body.rib, entries: body.rib.entries.filter((_, i) => keep.has(i)) } }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** The file name of the window starting at `start` (seconds). */
export function windowName(template: string, start: number, gzip: boolean): string {
  const d = new Date(start * 1000)
  const fields: Record<string, string> = {
    Y: String(d.getUTCFullYear()),
    m: pad2(d.getUTCMonth() + 1),
    d: pad2(d.getUTCDate()),
    H: pad2(d.getUTCHours()),
    M: pad2(d.getUTCMinutes()),
    S: pad2(d.getUTCSeconds()),
    s: String(start),
  }
  if (template.includes('%'))
    return template.replace(/%([YmdHMSs%])/g, (_, c: string) => (c === '%' ? '%' : fields[c]!))
  return join(
    template,
    `updates.${fields.Y}${fields.m}${fields.d}.${fields.H}${fields.M}${gzip ? '.gz' : ''}`,
  )
}

export class ConvertError extends Error {}

/** The same file (by device and inode), or the same path when the output does not exist yet. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a)
    const y = statSync(b)
    return x.dev === y.dev && x.ino === y.ino
  } catch {
    return resolve(a) === resolve(b)
  }
}

export async function convert(o: ConvertOptions): Promise<ConvertResult> {
  if (sameFile(o.input, o.output)) throw new ConvertError(`the output ${o.output} is the input`)
  const reader = new MrtReader(o.input, {
    skipCorrupt: o.skipCorrupt ?? false,
    ...(o.onSkip ? { onSkip: o.onSkip } : {}),
    ...(o.onRead ? { onRead: (n: number) => o.onRead?.(n, reader.records) } : {}),
  })
  const split = o.splitSeconds
  const gzip = o.gzip ?? o.output.endsWith('.gz')
  if (split && !o.output.includes('%')) {
    if (existsSync(o.output) && !statSync(o.output).isDirectory()) {
      throw new ConvertError(`--split-updates writes into a directory, and ${o.output} is a file`)
    }
    mkdirSync(o.output, { recursive: true })
  }
  const files: string[] = []
  const opened = new Set<string>()
  let out: MrtOutput | undefined
  let current = ''
  let peerIndex: MrtRecordValue | undefined
  let written = 0
  const target = async (timestamp: number): Promise<MrtOutput> => {
    const name = split
      ? windowName(o.output, Math.floor(timestamp / split) * split, gzip !== false)
      : o.output
    if (out && name === current) return out
    if (out) await out.close()
    // A window met again (records out of time order) is appended to: a new gzip member, still one valid file.
    const again = opened.has(name)
    out = new MrtOutput(name, { gzip, append: again })
    current = name
    if (!again) {
      opened.add(name)
      files.push(name)
      if (split && peerIndex) out.write(peerIndex)
    }
    return out
  }
  for await (const batch of reader.batches()) {
    for (const rec of batch) {
      const body = filtered(rec, rec.body!, o.filter)
      if (!body) continue
      const value: MrtRecordValue = {
        timestamp: rec.timestamp,
        ...(rec.microseconds !== undefined ? { microseconds: rec.microseconds } : {}),
        type: rec.type,
        subtype: rec.subtype,
        body,
      }
      const w = await target(rec.timestamp)
      if (body.kind === 'PEER_INDEX_TABLE') peerIndex = value
      if (!w.write(value)) await w.drain()
      written++
    }
  }
  if (!out) await target(0)
  await out!.close()
  return { read: reader.records, written, skipped: reader.skipped, files }
}

export interface VerifyResult {
  readonly records: number
  /** Records whose decoded JSON form differs. */
  readonly different: number
  /** Records whose octets differ. */
  readonly changedOctets: number
  readonly firstDifference?: string
}

/** Reads two files side by side and compares every record, decoded and as octets. */
export async function verifySame(a: string, b: string): Promise<VerifyResult> {
  const ra = new MrtReader(a, { validate: false })[Symbol.asyncIterator]()
  const rb = new MrtReader(b, { validate: false })[Symbol.asyncIterator]()
  let records = 0
  let different = 0
  let changedOctets = 0
  let firstDifference: string | undefined
  for (;;) {
    const [x, y] = await Promise.all([ra.next(), rb.next()])
    if (x.done && y.done) break
    records++
    if (x.done || y.done) {
      different++
      firstDifference ??= `record #${records - 1}: only in ${x.done ? b : a}`
      continue
    }
    const jx = toJson(decodeRecord(x.value))
    const jy = toJson(decodeRecord(y.value))
    if (jx !== jy) {
      different++
      firstDifference ??= `record #${records - 1}:\n  ${jx.slice(0, 300)}\n  ${jy.slice(0, 300)}`
    }
    if (Buffer.compare(x.value.raw, y.value.raw) !== 0) changedOctets++
  }
  return { records, different, changedOctets, ...(firstDifference ? { firstDifference } : {}) }
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}
