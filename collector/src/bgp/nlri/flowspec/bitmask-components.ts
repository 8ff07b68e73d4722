// Bitmask-operator components (RFC 8955 §4.2.2.9 TCP flags, §4.2.2.12
// fragment; RFC 8956 §3.8 fragment for IPv6): a list of {operator, value}
// pairs, the last with the end-of-list bit:
//
//    op:   0   1   2   3   4   5   6   7
//        +---+---+---+---+---+---+---+---+
//        | e | a |  len  | 0 | 0 |not| m |
//        +---+---+---+---+---+---+---+---+
//
// TCP flags are the low octet of the TCP header's flags (a 2-octet value
// reaches into the data offset and the NS bit); fragment bits are
// 0x01 DF, 0x02 IsF, 0x04 FF, 0x08 LF.

import { type Reader, u8 } from '../../../wire/reader.ts'
import { type Writer, w8 } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import {
  lengthCode,
  OP_AND,
  OP_END,
  operatorLength,
  readOperatorValue,
  writeOperatorValue,
} from './numeric-components.ts'
import type { BitmaskOperator, FlowspecBitmaskComponent, FlowspecBitmaskType } from './types.ts'

export function decodeBitmaskOperator(r: Reader): BitmaskOperator {
  const op = u8(r)
  const length = operatorLength(op)
  const value = readOperatorValue(r, length)
  const base = {
    end: (op & OP_END) !== 0,
    and: (op & OP_AND) !== 0,
    length,
    not: (op & 0x02) !== 0,
    match: (op & 0x01) !== 0,
  }
  return op & 0x0c ? { ...base, reserved: (op & 0x0c) >> 2, value } : { ...base, value }
}

export function bitmaskOperatorOctet(o: BitmaskOperator, last: boolean): number {
  return (
    (last ? OP_END : 0) |
    (o.and ? OP_AND : 0) |
    lengthCode(o.length) |
    (((o.reserved ?? 0) & 3) << 2) |
    (o.not ? 0x02 : 0) |
    (o.match ? 0x01 : 0)
  )
}

export function decodeBitmaskComponent(
  r: Reader,
  type: FlowspecBitmaskType,
  name: string,
): FlowspecBitmaskComponent {
  const operators: BitmaskOperator[] = []
  for (;;) {
    const o = decodeBitmaskOperator(r)
    operators.push(o)
    if (o.end) break
  }
  return { type, name, operators }
}

export function bitmaskComponentSize(c: FlowspecBitmaskComponent): number {
  let n = 1
  for (const o of c.operators) n += 1 + o.length
  return n
}

export function encodeBitmaskComponent(w: Writer, c: FlowspecBitmaskComponent): void {
  if (c.operators.length === 0) {
    throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `FlowSpec ${c.name} without operators`, w.pos)
  }
  w8(w, c.type)
  const last = c.operators.length - 1
  c.operators.forEach((o, i) => {
    w8(w, bitmaskOperatorOctet(o, i === last))
    writeOperatorValue(w, o.length, o.value)
  })
}

/** Bit names in the text form (ExaBGP's spelling), lowest bit first. */
export const TCP_FLAG_NAMES: readonly string[] = [
  'fin',
  'syn',
  'rst',
  'push',
  'ack',
  'urg',
  'ece',
  'cwr',
  'ns',
]
export const FRAGMENT_NAMES: readonly string[] = [
  'dont-fragment',
  'is-fragment',
  'first-fragment',
  'last-fragment',
]

function bitsText(type: FlowspecBitmaskType, value: number | bigint): string {
  const names = type === 9 ? TCP_FLAG_NAMES : FRAGMENT_NAMES
  let v = BigInt(value)
  if (v === 0n) return type === 12 ? 'not-a-fragment' : '0'
  const parts: string[] = []
  for (let i = 0; i < names.length; i++) {
    const bit = 1n << BigInt(i)
    if (v & bit) {
      parts.push(names[i]!)
      v &= ~bit
    }
  }
  if (v) parts.push(`0x${v.toString(16)}`)
  return parts.join('+')
}

/**
 * Text of the operator list, as ExaBGP writes it: `!` for not, `=` for
 * match, `&` for and, set bits by name joined with `+`: `[ syn rst&fin&!=push ]`.
 */
export function bitmaskText(c: FlowspecBitmaskComponent): string {
  const terms: string[] = []
  for (const o of c.operators) {
    const text = `${o.and ? '&' : ''}${o.not ? '!' : ''}${o.match ? '=' : ''}${bitsText(c.type, o.value)}`
    if (o.and && terms.length) terms[terms.length - 1] += text
    else terms.push(text)
  }
  return terms.length === 1 ? terms[0]! : `[ ${terms.join(' ')} ]`
}
