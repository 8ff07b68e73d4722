// `routelake bmp FILE…`: BMP streams (a capture's TCP payload, what a BMP
// client sent) printed as JSON lines, one per message, in order: each
// message's fields with their registry names and the BGP PDUs inside decoded
// as docs/json.md describes them, with the ADD-PATH and AS width each peer's
// Peer Up set. A message that cannot be read is an {"error": …} line; the
// command then exits 1. FILE may be '-' (stdin) and may be gzip-compressed.

import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { createGunzip } from 'node:zlib'
import { jsonReplacer } from '../collector/src/bgp/index.ts'
import { BmpPeerContexts, bmpErrorJson, bmpMessageJson, readBmpStream } from '../collector/src/bmp/index.ts'
import type { Command } from './cli.ts'

const HELP = `usage: routelake bmp [options] FILE…

Prints the messages of BMP streams (RFC 7854, RFC 8671, RFC 9069) as JSON
lines: one line per message, {"offset", "length", …the message}, BGP PDUs
decoded. FILE '-' reads stdin; a file ending in .gz is decompressed.

options:
  --types LIST   only these message types (ROUTE_MONITORING, PEER_UP, …; comma separated)
  --raw          add each message's octets as hex ("raw")
  --pretty       indent the JSON
`

function open(file: string): Readable {
  const s: Readable = file === '-' ? process.stdin : createReadStream(file)
  return file.endsWith('.gz') ? s.pipe(createGunzip()) : s
}

export const command: Command = {
  summary: 'print BMP streams as JSON lines',
  async run(args) {
    let values: { types?: string; raw?: boolean; pretty?: boolean; help?: boolean }
    let files: string[]
    try {
      const parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          types: { type: 'string' },
          raw: { type: 'boolean' },
          pretty: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      })
      values = parsed.values
      files = parsed.positionals
    } catch (e) {
      console.error(`routelake bmp: ${(e as Error).message}\n\n${HELP}`)
      return 2
    }
    if (values.help) {
      console.log(HELP)
      return 0
    }
    if (!files.length) {
      console.error(HELP)
      return 2
    }
    const only = values.types
      ? new Set(values.types.split(',').map((t) => t.trim().toUpperCase()))
      : undefined
    const indent = values.pretty ? 2 : undefined
    let errors = 0
    for (const file of files) {
      const contexts = new BmpPeerContexts()
      try {
        for await (const item of readBmpStream(open(file))) {
          const head = { ...(files.length > 1 ? { file } : {}), offset: item.offset, length: item.length }
          if (item.error) {
            errors++
            process.stdout.write(
              `${JSON.stringify({ ...head, error: bmpErrorJson(item.error) }, jsonReplacer, indent)}\n`,
            )
            continue
          }
          const m = item.message!
          if (m.type === 'PEER_UP') contexts.peerUp(m)
          if (!only || only.has(m.type)) {
            const body = {
              ...head,
              ...bmpMessageJson(m, contexts),
              ...(values.raw ? { raw: Buffer.from(item.raw).toString('hex') } : {}),
            }
            if (!process.stdout.write(`${JSON.stringify(body, jsonReplacer, indent)}\n`))
              await new Promise((r) => process.stdout.once('drain', r))
          }
          if (m.type === 'PEER_DOWN') contexts.peerDown(m.peer)
        }
      } catch (e) {
        console.error(`routelake bmp: ${file}: ${(e as Error).message}`)
        return 1
      }
    }
    if (errors) console.error(`routelake bmp: ${errors} message(s) could not be read`)
    return errors ? 1 : 0
  },
}
