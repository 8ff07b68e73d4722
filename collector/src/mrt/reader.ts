// The streaming MRT reader: decompressed chunks in, records out, memory flat
// whatever the input's size. A record lying wholly inside a chunk is handed
// out as a view of that chunk (no copy); only a record that straddles two
// chunks is copied, once, into a buffer of its own size.
//
// Corrupt input raises an MrtError naming the record, its offset in the
// decompressed stream and the fault. With `skipCorrupt`, the reader counts the
// record and goes on: a record whose body does not parse is dropped and the
// next one read; when framing itself is lost (a Length no record can have, a
// type that is no MRT type), the reader scans forward octet by octet for the
// next plausible header (a known type and subtype, a possible Length, a time
// within a year of the last good record) and counts that as one skip.
// Truncation at the end of the input ends the reading in both modes.

import {
  BGP_SUBTYPE,
  BGP4MP_SUBTYPE,
  isExtendedTimestamp,
  MRT_HEADER_LENGTH,
  MRT_TYPE,
  TABLE_DUMP_V2_SUBTYPE,
} from './constants.ts'
import { MrtError, type MrtErrorKind } from './errors.ts'
import { type MrtRecord, readU16, readU32 } from './header.ts'
import { type MrtInput, mrtChunks } from './input.ts'
import type { PeerIndexTable } from './peer-index-table.ts'
import { type MrtBody, parseRecord } from './record.ts'

export interface MrtReadOptions {
  /** Skip corrupt records (counted in `skipped`) instead of throwing. */
  readonly skipCorrupt?: boolean
  /**
   * Parse every record's body while reading (default true), so that a
   * malformed body is found here (and skipped, with skipCorrupt) rather than
   * by the consumer; the parsed body rides along as `record.body`.
   */
  readonly validate?: boolean
  /** Largest Length accepted (default 16 MiB); larger ones are corruption. */
  readonly maxRecordLength?: number
  /** The input's name in error messages (default: the path, or "input"). */
  readonly name?: string
  /** Called with the input octets consumed so far (compressed, as read): progress bars. */
  readonly onRead?: (bytes: number) => void
  /** Called for every skipped record (skipCorrupt). */
  readonly onSkip?: (error: MrtError) => void
}

const DEFAULT_MAX_RECORD = 16 * 1024 * 1024
const BATCH = 256
const YEAR = 366 * 24 * 3600

/** Subtype counts per known type, for resynchronisation after lost framing. */
const KNOWN_SUBTYPES: ReadonlyMap<number, number> = new Map([
  [MRT_TYPE.BGP, Object.keys(BGP_SUBTYPE).length],
  [MRT_TYPE.TABLE_DUMP, 3],
  [MRT_TYPE.TABLE_DUMP_V2, Object.keys(TABLE_DUMP_V2_SUBTYPE).length + 1],
  [MRT_TYPE.BGP4MP, Object.keys(BGP4MP_SUBTYPE).length],
  [MRT_TYPE.BGP4MP_ET, Object.keys(BGP4MP_SUBTYPE).length],
])
const KNOWN_TYPES = new Set<number>(Object.values(MRT_TYPE))

export class MrtReader implements AsyncIterable<MrtRecord> {
  readonly #input: MrtInput
  readonly #skip: boolean
  readonly #validate: boolean
  readonly #max: number
  readonly #name: string
  readonly #options: MrtReadOptions
  #peers: PeerIndexTable | undefined
  #index = 0
  #lastTime = -1
  /** Records handed out. */
  records = 0
  /** Decompressed octets framed so far. */
  bytes = 0
  /** Corrupt records skipped (skipCorrupt), and octets skipped with them. */
  skipped = 0
  skippedBytes = 0
  readonly skippedByKind = new Map<MrtErrorKind, number>()
  /** The first skipped errors (up to 100), for reports. */
  readonly errors: MrtError[] = []

  constructor(input: MrtInput, options: MrtReadOptions = {}) {
    this.#input = input
    this.#options = options
    this.#skip = options.skipCorrupt ?? false
    this.#validate = options.validate ?? true
    this.#max = options.maxRecordLength ?? DEFAULT_MAX_RECORD
    this.#name = options.name ?? (typeof input === 'string' ? input : 'input')
  }

  /** The PEER_INDEX_TABLE in force. */
  get peers(): PeerIndexTable | undefined {
    return this.#peers
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<MrtRecord> {
    for await (const batch of this.batches()) yield* batch
  }

  #fail(
    kind: MrtErrorKind,
    reason: string,
    recordOffset: number,
    offset: number,
    type?: number,
    subtype?: number,
  ) {
    return new MrtError(kind, reason, {
      recordOffset,
      recordIndex: this.#index,
      offset,
      source: this.#name,
      ...(type !== undefined ? { type, subtype } : {}),
    })
  }

  /** Counts a skip, or throws when not skipping. */
  #corrupt(e: MrtError, bytes: number): void {
    if (!this.#skip) throw e
    this.skipped++
    this.skippedBytes += bytes
    this.skippedByKind.set(e.kind, (this.skippedByKind.get(e.kind) ?? 0) + 1)
    if (this.errors.length < 100) this.errors.push(e)
    this.#options.onSkip?.(e)
  }

  /** Is the header at b[p..p+12) one a real file could have (used only when resynchronising)? */
  #plausible(b: Uint8Array, p: number): boolean {
    const type = readU16(b, p + 4)
    const subtype = readU16(b, p + 6)
    const length = readU32(b, p + 8)
    if (!KNOWN_TYPES.has(type) || length > this.#max) return false
    const subtypes = KNOWN_SUBTYPES.get(type)
    if (subtypes !== undefined && subtype >= subtypes) return false
    if (isExtendedTimestamp(type) && length < 4) return false
    return this.#lastTime < 0 || Math.abs(readU32(b, p) - this.#lastTime) <= YEAR
  }

  /** Why a header's Length (or, when skipping, its type) cannot be a record's; undefined if it can. */
  #badLength(type: number, length: number): string | undefined {
    if (length > this.#max) return `Length ${length} exceeds the maximum record length ${this.#max}`
    if (isExtendedTimestamp(type) && length < 4)
      return `Length ${length} leaves no room for the microsecond field`
    if (this.#skip && !KNOWN_TYPES.has(type)) return `type ${type} is no MRT type (framing lost?)`
    return undefined
  }

  /** Builds the record at b[p..p+total), validating and tracking the peer index table. Undefined when skipped. */
  #record(b: Uint8Array, p: number, total: number, offset: number): MrtRecord | undefined {
    const type = readU16(b, p + 4)
    const subtype = readU16(b, p + 6)
    const et = isExtendedTimestamp(type)
    const raw = b.subarray(p, p + total)
    const index = this.#index++
    let rec: MrtRecord = {
      timestamp: readU32(b, p),
      microseconds: et ? readU32(b, p + 12) : undefined,
      type,
      subtype,
      length: total - MRT_HEADER_LENGTH,
      raw,
      bodyStart: et ? 16 : 12,
      offset,
      index,
      peers: type === MRT_TYPE.TABLE_DUMP_V2 ? this.#peers : undefined,
      body: undefined,
    }
    const peerIndex = type === MRT_TYPE.TABLE_DUMP_V2 && subtype === TABLE_DUMP_V2_SUBTYPE.PEER_INDEX_TABLE
    if (this.#validate || peerIndex) {
      let body: MrtBody
      try {
        body = parseRecord(rec)
      } catch (e) {
        if (!(e instanceof MrtError)) throw e
        this.#corrupt(new MrtError(e.kind, e.reason, { ...e, source: this.#name }), total)
        return undefined
      }
      if (body.kind === 'PEER_INDEX_TABLE') this.#peers = body.table
      if (this.#validate) rec = { ...rec, body }
    }
    this.#lastTime = rec.timestamp
    this.records++
    return rec
  }

  /** Records in batches (one per input chunk): the fast way to consume a large file. */
  async *batches(): AsyncGenerator<MrtRecord[]> {
    let tail: Uint8Array[] = []
    let tailLength = 0
    let offset = 0 // stream offset of the first unconsumed octet (the tail's start)
    let resyncing = false
    const chunks = mrtChunks(this.#input, this.#options.onRead ? { onRead: this.#options.onRead } : {})
    const it = chunks[Symbol.asyncIterator]()
    for (;;) {
      let next: IteratorResult<Uint8Array>
      try {
        next = await it.next()
      } catch (e) {
        if (e instanceof MrtError) throw e
        const err = this.#fail(
          'MRT.DECOMPRESS',
          `${(e as Error).message}${tailLength ? ` (${tailLength} octets of an incomplete record before it)` : ''}`,
          offset,
          offset + tailLength,
        )
        this.#corrupt(err, tailLength)
        this.bytes = offset + tailLength
        return
      }
      if (next.done) break
      let chunk = next.value
      let batch: MrtRecord[] = []
      let p = 0
      let n = 0
      try {
        if (tailLength > 0) {
          // Complete the record that straddles the boundary, copying it once. A
          // header that is not whole yet, or whose Length is bad, is joined with
          // the chunk and left to the loop below.
          const head =
            tailLength < MRT_HEADER_LENGTH
              ? undefined
              : tail[0]!.length >= MRT_HEADER_LENGTH
                ? tail[0]!
                : concat(tail, tailLength)
          const total = head ? MRT_HEADER_LENGTH + readU32(head, 8) : 0
          if (!head || resyncing || this.#badLength(readU16(head, 4), readU32(head, 8))) {
            const joined = new Uint8Array(tailLength + chunk.length)
            let at = 0
            for (const t of tail) {
              joined.set(t, at)
              at += t.length
            }
            joined.set(chunk, at)
            chunk = joined
          } else {
            if (head !== tail[0]) tail = [head]
            const need = total - tailLength
            if (need > chunk.length) {
              tail.push(chunk)
              tailLength += chunk.length
              continue
            }
            const buf = new Uint8Array(total)
            buf.set(head, 0)
            let at = head.length
            for (let i = 1; i < tail.length; i++) {
              buf.set(tail[i]!, at)
              at += tail[i]!.length
            }
            buf.set(chunk.subarray(0, need), at)
            const rec = this.#record(buf, 0, total, offset)
            if (rec) batch.push(rec)
            offset += total
            chunk = chunk.subarray(need)
          }
          tail = []
          tailLength = 0
        }
        n = chunk.length
        while (n - p >= MRT_HEADER_LENGTH) {
          if (resyncing) {
            if (!this.#plausible(chunk, p)) {
              p++
              offset++
              this.skippedBytes++
              continue
            }
            resyncing = false
          }
          const type = readU16(chunk, p + 4)
          const length = readU32(chunk, p + 8)
          const bad = this.#badLength(type, length)
          if (bad) {
            this.#corrupt(
              this.#fail('MRT.BAD_LENGTH', bad, offset, offset + 8, type, readU16(chunk, p + 6)),
              1,
            )
            resyncing = true
            p++
            offset++
            continue
          }
          const total = MRT_HEADER_LENGTH + length
          if (n - p < total) break
          const rec = this.#record(chunk, p, total, offset)
          if (rec) batch.push(rec)
          p += total
          offset += total
          // Small batches: records handed on young die young (a chunk holds thousands).
          if (batch.length >= BATCH) {
            this.bytes = offset
            yield batch
            batch = []
          }
        }
      } catch (e) {
        // What was read before the fault is handed out first.
        if (batch.length) yield batch
        throw e
      }
      if (p < n) {
        tail = [chunk.subarray(p)]
        tailLength = n - p
      }
      this.bytes = offset + tailLength
      if (batch.length) yield batch
    }
    if (tailLength > 0) {
      const head = concat(tail, tailLength)
      if (tailLength < MRT_HEADER_LENGTH) {
        this.#corrupt(
          this.#fail(
            'MRT.TRUNCATED_HEADER',
            `the input ends ${tailLength} octets into a ${MRT_HEADER_LENGTH}-octet header`,
            offset,
            offset + tailLength,
          ),
          tailLength,
        )
      } else if (!resyncing) {
        const type = readU16(head, 4)
        const subtype = readU16(head, 6)
        const total = MRT_HEADER_LENGTH + readU32(head, 8)
        this.#corrupt(
          this.#fail(
            'MRT.TRUNCATED_RECORD',
            `the input ends after ${tailLength} of the record's ${total} octets`,
            offset,
            offset + tailLength,
            type,
            subtype,
          ),
          tailLength,
        )
      } else {
        this.skippedBytes += tailLength
      }
    }
  }
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Reads every record of an input: `for await (const rec of readMrt('file.gz')) …`. */
export function readMrt(input: MrtInput, options: MrtReadOptions = {}): MrtReader {
  return new MrtReader(input, options)
}

/** Parses one record from the front of a buffer (tests, single records): undefined when incomplete. */
export function recordAt(buf: Uint8Array, offset = 0, peers?: PeerIndexTable): MrtRecord | undefined {
  if (buf.length - offset < MRT_HEADER_LENGTH) return undefined
  const type = readU16(buf, offset + 4)
  const total = MRT_HEADER_LENGTH + readU32(buf, offset + 8)
  if (buf.length - offset < total) return undefined
  const et = isExtendedTimestamp(type)
  return {
    timestamp: readU32(buf, offset),
    microseconds: et ? readU32(buf, offset + 12) : undefined,
    type,
    subtype: readU16(buf, offset + 6),
    length: total - MRT_HEADER_LENGTH,
    raw: buf.subarray(offset, offset + total),
    bodyStart: et ? 16 : 12,
    offset,
    index: 0,
    peers,
    body: undefined,
  }
}
