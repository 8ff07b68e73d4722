// `routelake mrt FILE…`: reads MRT files (plain, gzip or bzip2, any size:
// streamed) and prints their records: JSON lines in the documented form,
// bgpdump's one-line format byte for byte, or ExaBGP's JSON; with --filter to
// pick routes and --stats for counts. `routelake mrt convert IN OUT` rewrites
// a file through the MRT writer (see tools/mrt/convert.ts).

import { parseArgs } from 'node:util'
import { MrtError, MrtReader, type MrtRecord } from '../collector/src/mrt/index.ts'
import type { Command } from './cli.ts'
import { BgpdumpFormatter } from './mrt/bgpdump.ts'
import { ConvertError, convert, fileSize, verifySame } from './mrt/convert.ts'
import { ExabgpFormatter } from './mrt/exabgp.ts'
import { FilterError, type MrtFilter, parseFilter } from './mrt/filter.ts'
import { jsonLine } from './mrt/json.ts'
import { Out } from './mrt/out.ts'
import { Progress } from './mrt/progress.ts'
import { MrtStats } from './mrt/stats.ts'

const HELP = `usage: routelake mrt [options] FILE…
       routelake mrt convert [options] IN OUT

Reads MRT files (RFC 6396, RFC 8050; plain, gzip or bzip2, found by content)
and prints their records.

options:
  --format FORMAT      json (default): one line per record, the documented JSON form
                       bgpdump: exactly what 'bgpdump -m' prints
                       exabgp: ExaBGP 4.x API JSON, one line per UPDATE
  -m                   same as --format bgpdump
  -M                   bgpdump -M: human-readable times, short announcement lines
  -t dump|change       bgpdump -t: RIB lines with the dump's or the route's time
  -p                   bgpdump -p: the entry number after the line type
  -l                   bgpdump -l: large communities after the communities
  --filter EXPR        keep only matching routes; repeatable, terms AND'ed:
                         peer=ADDR  peer-as=ASN  prefix=P (exact) / P+ (more
                         specific) / P- (less specific)  origin=ASN  path=ASN
                         community=A:B  family=ipv6-unicast
                         type=rib|update|announce|withdraw|state|message|MRT_TYPE[/SUBTYPE]
                       values of one term are OR'ed: peer=192.0.2.1,192.0.2.2
  --stats              counts per record type, peer and family (to stdout, or
                       to stderr when --format is given too)
  --skip-corrupt       skip corrupt records (counted on stderr) instead of stopping
  --no-progress        no progress line (it shows only when stderr is a terminal)

convert options:
  --gzip / --no-gzip   compress OUT (default: when OUT ends in .gz)
  --level N            gzip level 1..9
  --split-updates S    one file per S-second window: OUT is a directory (files
                       updates.YYYYMMDD.HHMM) or a name with %Y%m%d%H%M%S%s
  --filter EXPR, --skip-corrupt as above
  --verify             read IN and OUT back and compare every record
`

type Format = 'json' | 'bgpdump' | 'exabgp' | 'none'

class Stdout {
  #waiting = false
  closed = false

  constructor() {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true
      else throw e
    })
  }

  write = (b: Uint8Array | string): void => {
    if (this.closed) return
    if (!process.stdout.write(b)) this.#waiting = true
  }

  async drain(): Promise<void> {
    if (!this.#waiting || this.closed) return
    this.#waiting = false
    if (!process.stdout.writableNeedDrain) return
    // An EPIPE while waiting ends the wait too (the constructor's handler marks the stream closed).
    await new Promise<void>((done) => {
      const end = () => {
        process.stdout.off('drain', end)
        process.stdout.off('error', end)
        done()
      }
      process.stdout.on('drain', end)
      process.stdout.on('error', end)
    })
  }
}

async function readFiles(
  files: string[],
  format: Format,
  opts: {
    filter: MrtFilter
    bgpdump: { human: boolean; timeChange: boolean; packetIndex: boolean; largeCommunities: boolean }
    stats: MrtStats | undefined
    skipCorrupt: boolean
    progress: boolean
  },
): Promise<number> {
  const stdout = new Stdout()
  let status = 0
  let skipped = 0
  let bytes = 0
  for (const file of files) {
    const total = file === '-' ? 0 : fileSize(file)
    const progress = new Progress(file, total, opts.progress)
    const reader = new MrtReader(file === '-' ? process.stdin : file, {
      name: file === '-' ? 'stdin' : file,
      skipCorrupt: opts.skipCorrupt,
      // bgpdump reads bodies with its own tolerances; every other output parses them first.
      validate: format !== 'bgpdump' || opts.stats !== undefined,
      onRead: (n) => progress.update(n, reader.records),
      onSkip: () => skipped++,
    })
    const out = new Out(stdout.write)
    const bgpdump =
      format === 'bgpdump' ? new BgpdumpFormatter(out, { ...opts.bgpdump, filter: opts.filter }) : undefined
    const exabgp = format === 'exabgp' ? new ExabgpFormatter(opts.filter) : undefined
    let text = ''
    const each = (rec: MrtRecord) => {
      opts.stats?.add(rec)
      if (bgpdump) bgpdump.record(rec)
      else if (format === 'json') {
        const line = jsonLine(rec, opts.filter)
        if (line !== undefined) text += `${line}\n`
      } else if (exabgp) {
        for (const line of exabgp.record(rec)) text += `${line}\n`
      }
    }
    try {
      for await (const batch of reader.batches()) {
        for (const rec of batch) {
          if (!opts.skipCorrupt) each(rec)
          else {
            try {
              each(rec)
            } catch (e) {
              if (!(e instanceof MrtError)) throw e
              skipped++
            }
          }
        }
        if (text.length) {
          stdout.write(text)
          text = ''
        }
        await stdout.drain()
        if (stdout.closed) break
      }
    } catch (e) {
      progress.done()
      out.flush()
      if (e instanceof MrtError) {
        process.stderr.write(`routelake mrt: ${e.message}\n`)
        status = 1
        break
      }
      throw e
    }
    out.flush()
    if (text.length) stdout.write(text)
    await stdout.drain()
    progress.done()
    bytes += reader.bytes
    if (stdout.closed) break
  }
  if (skipped) process.stderr.write(`routelake mrt: skipped ${skipped} corrupt record(s)\n`)
  if (opts.stats) {
    const report = opts.stats.report({ bytes, skipped })
    if (format === 'none') stdout.write(report)
    else process.stderr.write(report)
    await stdout.drain()
  }
  return status
}

async function convertCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      gzip: { type: 'boolean' },
      'no-gzip': { type: 'boolean' },
      level: { type: 'string' },
      'split-updates': { type: 'string' },
      filter: { type: 'string', multiple: true },
      'skip-corrupt': { type: 'boolean' },
      verify: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const [input, output] = positionals
  const split = values['split-updates'] !== undefined ? Number(values['split-updates']) : undefined
  const level = values.level !== undefined ? Number(values.level) : undefined
  if (
    !input ||
    !output ||
    positionals.length > 2 ||
    (split !== undefined && !(split > 0)) ||
    (level !== undefined && !(level >= 1 && level <= 9))
  ) {
    console.error(HELP)
    return 2
  }
  let filter: MrtFilter
  try {
    filter = parseFilter(values.filter ?? [])
  } catch (e) {
    if (e instanceof FilterError) {
      console.error(`routelake mrt convert: --filter: ${e.message}`)
      return 2
    }
    throw e
  }
  const gzip = values['no-gzip']
    ? false
    : values.gzip
      ? (level ?? true)
      : level !== undefined
        ? level
        : undefined
  const progress = new Progress(input, fileSize(input), !values['no-progress'])
  try {
    const r = await convert({
      input,
      output,
      ...(gzip !== undefined ? { gzip } : {}),
      ...(split ? { splitSeconds: split } : {}),
      filter,
      skipCorrupt: values['skip-corrupt'] ?? false,
      onRead: (n, records) => progress.update(n, records),
    })
    progress.done()
    process.stderr.write(
      `routelake mrt convert: ${r.read} records read, ${r.written} written to ${r.files.length} file(s)` +
        `${r.skipped ? `, ${r.skipped} corrupt skipped` : ''}\n`,
    )
    if (values.verify) {
      if (split || !filter.empty) {
        console.error(
          'routelake mrt convert: --verify compares whole files: not with --split-updates or --filter',
        )
        return 2
      }
      const v = await verifySame(input, output)
      process.stderr.write(
        `routelake mrt convert: verify: ${v.records} records, ${v.different} decode differently, ${v.changedOctets} with other octets\n`,
      )
      if (v.firstDifference) process.stderr.write(`${v.firstDifference}\n`)
      return v.different || v.changedOctets ? 1 : 0
    }
    return 0
  } catch (e) {
    progress.done()
    if (e instanceof MrtError || e instanceof ConvertError) {
      process.stderr.write(`routelake mrt convert: ${e.message}\n`)
      return e instanceof ConvertError ? 2 : 1
    }
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR' || err.code === 'ENOTDIR') {
      process.stderr.write(`routelake mrt convert: ${err.message}\n`)
      return 1
    }
    throw e
  }
}

export const command: Command = {
  summary: 'read MRT files: JSON, bgpdump or ExaBGP output, filters, statistics; convert',
  async run(args) {
    if (args[0] === 'convert') return convertCommand(args.slice(1))
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        machine: { type: 'boolean', short: 'm' },
        human: { type: 'boolean', short: 'M' },
        time: { type: 'string', short: 't' },
        'packet-index': { type: 'boolean', short: 'p' },
        'large-communities': { type: 'boolean', short: 'l' },
        filter: { type: 'string', multiple: true },
        stats: { type: 'boolean' },
        'skip-corrupt': { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help) {
      console.log(HELP)
      return 0
    }
    const asked = values.format ?? (values.machine || values.human ? 'bgpdump' : undefined)
    const format = (asked ?? (values.stats ? 'none' : 'json')) as Format
    if (
      positionals.length === 0 ||
      !['json', 'bgpdump', 'exabgp', 'none'].includes(format) ||
      (values.time !== undefined && values.time !== 'dump' && values.time !== 'change')
    ) {
      console.error(HELP)
      return 2
    }
    let filter: MrtFilter
    try {
      filter = parseFilter(values.filter ?? [])
    } catch (e) {
      if (e instanceof FilterError) {
        console.error(`routelake mrt: --filter: ${e.message}`)
        return 2
      }
      throw e
    }
    try {
      return await readFiles(positionals, format, {
        filter,
        bgpdump: {
          human: values.human ?? false,
          timeChange: values.time === 'change',
          packetIndex: values['packet-index'] ?? false,
          largeCommunities: values['large-communities'] ?? false,
        },
        stats: values.stats ? new MrtStats(filter) : undefined,
        skipCorrupt: values['skip-corrupt'] ?? false,
        progress: !values['no-progress'],
      })
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
        console.error(`routelake mrt: ${err.message}`)
        return 1
      }
      throw e
    }
  },
}
