// `routelake decode <hex>` and `routelake decode -`: BGP messages from hex to
// the documented JSON form (docs/json.md), one JSON line per input.
//
// Input may be a whole message (starting with the 16-octet marker), a message
// without its marker (length, type, body), or a bare body (an UPDATE unless
// --type says otherwise). Separators (spaces, ':') are ignored, so the ExaBGP
// "marker:length:type:body" form works. The codec context comes from flags, as
// ExaBGP's --decode takes it: --asn2 for a 2-octet-AS session, --add-path with
// family names (or "all"), --extended-message.

import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import {
  ALL_FAMILIES,
  type CodecContext,
  codecContext,
  decodeMessage,
  type FamilySet,
  familyByName,
  MESSAGE_TYPE,
  toJson,
} from '../collector/src/bgp/index.ts'
import { writeHeader } from '../collector/src/bgp/messages/header.ts'
import { fromHex } from '../collector/src/wire/hex.ts'
import type { Command } from './cli.ts'

const HELP = `usage: routelake decode [options] <hex> | -

Decodes BGP messages given as hex and prints each as one line of JSON.
With '-', reads one hex message per line from stdin and prints exactly one
JSON line per input line: the message, or {"error": …} when it cannot be decoded.

options:
  --asn2                  2-octet AS session (default: 4-octet AS negotiated)
  --add-path FAMILIES     families with ADD-PATH path ids, comma separated
                          (ipv4-unicast,ipv6-unicast,…), or 'all'
  --extended-message      RFC 8654 extended messages negotiated (up to 65535 octets)
  --type TYPE             type of a bare body without header: update (default),
                          open, notification, keepalive, route-refresh
  --pretty                indent the JSON
`

const BARE_TYPES: Record<string, number> = {
  open: MESSAGE_TYPE.OPEN,
  update: MESSAGE_TYPE.UPDATE,
  notification: MESSAGE_TYPE.NOTIFICATION,
  keepalive: MESSAGE_TYPE.KEEPALIVE,
  'route-refresh': MESSAGE_TYPE.ROUTE_REFRESH,
}

export function parseAddPath(spec: string | undefined): FamilySet {
  if (!spec) return { has: () => false }
  if (spec === 'all') return ALL_FAMILIES
  const keys = new Set<number>()
  for (const name of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const key = familyByName(name)
    if (key === undefined) throw new Error(`unknown family '${name}'`)
    keys.add(key)
  }
  return keys
}

function isMarker(b: Uint8Array): boolean {
  if (b.length < 16) return false
  for (let i = 0; i < 16; i++) if (b[i] !== 0xff) return false
  return true
}

/** Turns any accepted input form into a whole message. */
export function asMessage(b: Uint8Array, bareType: number): Uint8Array {
  if (isMarker(b)) return b
  const len = b.length >= 3 ? (b[0]! << 8) | b[1]! : -1
  if (len === b.length + 16 && b[2]! >= 1 && b[2]! <= 5) {
    const out = new Uint8Array(b.length + 16)
    out.fill(0xff, 0, 16)
    out.set(b, 16)
    return out
  }
  const out = new Uint8Array(19 + b.length)
  writeHeader(out, 0, out.length, bareType)
  out.set(b, 19)
  return out
}

/** One input line to one JSON object (never throws). */
export function decodeLine(line: string, ctx: CodecContext, bareType: number): Record<string, unknown> {
  const bytes = fromHex(line.trim())
  if (!bytes || bytes.length === 0) {
    return { error: { kind: 'INPUT.NOT_HEX', offset: 0, action: 'none', reason: 'input is not hex' } }
  }
  const msg = asMessage(bytes, bareType)
  const r = decodeMessage(msg, ctx)
  const problems = [...r.problems]
  if (r.message && r.length < msg.length) {
    problems.push({
      kind: 'NOTIFY.HEADER.BAD_MESSAGE_LENGTH',
      action: 'session-reset',
      offset: r.length,
      reason: `${msg.length - r.length} octets after the message`,
    })
  }
  if (!r.message) {
    const first = problems[0]!
    return {
      error: { kind: first.kind, offset: first.offset, action: first.action, reason: first.reason },
      problems,
    }
  }
  return problems.length ? { ...r.message, problems, action: r.action } : { ...r.message }
}

export const command: Command = {
  summary: 'decode BGP messages from hex to JSON',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        asn2: { type: 'boolean' },
        'add-path': { type: 'string' },
        'extended-message': { type: 'boolean' },
        type: { type: 'string', default: 'update' },
        pretty: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help) {
      console.log(HELP)
      return 0
    }
    const bareType = BARE_TYPES[values.type ?? 'update']
    if (bareType === undefined || positionals.length === 0) {
      console.error(HELP)
      return 2
    }
    let addPath: FamilySet
    try {
      addPath = parseAddPath(values['add-path'])
    } catch (e) {
      console.error(`routelake decode: ${(e as Error).message}`)
      return 2
    }
    const ctx = codecContext({
      asn4: !values.asn2,
      addPath,
      extendedMessage: values['extended-message'] ?? false,
    })
    const indent = values.pretty ? 2 : undefined
    if (positionals[0] === '-') {
      const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
      for await (const line of rl)
        process.stdout.write(`${toJson(decodeLine(line, ctx, bareType), indent)}\n`)
      return 0
    }
    let failed = false
    for (const hex of positionals) {
      const out = decodeLine(hex, ctx, bareType)
      if ('error' in out) failed = true
      process.stdout.write(`${toJson(out, indent)}\n`)
    }
    return failed ? 1 : 0
  },
}
