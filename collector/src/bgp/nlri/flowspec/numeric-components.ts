// Numeric-operator components (RFC 8955 §4.2.2.3–8, .10, .11; RFC 8956 §3.3,
// §3.6, §3.7): IP protocol / next header, port, destination port, source
// port, ICMP type, ICMP code, packet length, DSCP, flow label. The value is a
// list of {operator, value} pairs, the last with the end-of-list bit:
//
//   +-----------+--------------------+-----------+----------------+
//   | type (1)  | op (1) | value (1,  | op (1)    | value ...      |
//   |           |        | 2, 4 or 8) |           |                |
//   +-----------+--------------------+-----------+----------------+
//
//    op:   0   1   2   3   4   5   6   7
//        +---+---+---+---+---+---+---+---+
//        | e | a |  len  | 0 |lt |gt |eq |
//        +---+---+---+---+---+---+---+---+
//
// The value length is kept as sent (a port may come in 1 octet), so encoding
// reproduces the octets; the reserved bit is kept when set.

import { type Reader, u8, u16, u32, u64 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w32, w64 } from '../../../wire/writer.ts'
import { CodecError } from '../../errors.ts'
import type { FlowspecNumericComponent, FlowspecNumericType, NumericOperator } from './types.ts'

export const OP_END = 0x80
export const OP_AND = 0x40
const LENGTHS = [1, 2, 4, 8] as const

/** The len field (bits 0x30) as octets. */
export function operatorLength(op: number): 1 | 2 | 4 | 8 {
  return LENGTHS[(op >> 4) & 3]!
}

/** The len field for a value length. */
export function lengthCode(length: number): number {
  const code = LENGTHS.indexOf(length as 1 | 2 | 4 | 8)
  if (code < 0) {
    throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `FlowSpec operator length ${length}`, 0)
  }
  return code << 4
}

export function readOperatorValue(r: Reader, length: 1 | 2 | 4 | 8): number | bigint {
  if (length === 1) return u8(r)
  if (length === 2) return u16(r)
  if (length === 4) return u32(r)
  return u64(r)
}

export function writeOperatorValue(w: Writer, length: 1 | 2 | 4 | 8, value: number | bigint): void {
  const max = length === 8 ? 0xffffffffffffffffn : BigInt(2 ** (8 * length) - 1)
  const v = BigInt(value)
  if (v < 0n || v > max) {
    throw new CodecError(
      'NOTIFY.UPDATE.INVALID_NETWORK_FIELD',
      `FlowSpec operator value ${value} does not fit ${length} octet(s)`,
      w.pos,
    )
  }
  if (length === 1) w8(w, Number(v))
  else if (length === 2) w16(w, Number(v))
  else if (length === 4) w32(w, Number(v))
  else w64(w, v)
}

export function decodeNumericOperator(r: Reader): NumericOperator {
  const op = u8(r)
  const length = operatorLength(op)
  const value = readOperatorValue(r, length)
  const base = {
    end: (op & OP_END) !== 0,
    and: (op & OP_AND) !== 0,
    length,
    lt: (op & 0x04) !== 0,
    gt: (op & 0x02) !== 0,
    eq: (op & 0x01) !== 0,
  }
  return op & 0x08 ? { ...base, reserved: 1, value } : { ...base, value }
}

export function numericOperatorOctet(o: NumericOperator, last: boolean): number {
  return (
    (last ? OP_END : 0) |
    (o.and ? OP_AND : 0) |
    lengthCode(o.length) |
    (o.reserved ? 0x08 : 0) |
    (o.lt ? 0x04 : 0) |
    (o.gt ? 0x02 : 0) |
    (o.eq ? 0x01 : 0)
  )
}

/** Reads the operator list after the type octet. */
export function decodeNumericComponent(
  r: Reader,
  type: FlowspecNumericType,
  name: string,
): FlowspecNumericComponent {
  const operators: NumericOperator[] = []
  for (;;) {
    const o = decodeNumericOperator(r)
    operators.push(o)
    if (o.end) break
  }
  return { type, name, operators }
}

export function numericComponentSize(c: FlowspecNumericComponent): number {
  let n = 1
  for (const o of c.operators) n += 1 + o.length
  return n
}

export function encodeNumericComponent(w: Writer, c: FlowspecNumericComponent): void {
  if (c.operators.length === 0) {
    throw new CodecError('NOTIFY.UPDATE.INVALID_NETWORK_FIELD', `FlowSpec ${c.name} without operators`, w.pos)
  }
  w8(w, c.type)
  const last = c.operators.length - 1
  c.operators.forEach((o, i) => {
    w8(w, numericOperatorOctet(o, i === last))
    writeOperatorValue(w, o.length, o.value)
  })
}

/** IANA protocol keywords used in the text form (ExaBGP's spelling); others are numbers. */
export const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  6: 'tcp',
  8: 'egp',
  17: 'udp',
  46: 'rsvp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  89: 'ospf',
  94: 'ipip',
  103: 'pim',
  132: 'sctp',
}

function symbol(o: NumericOperator): string {
  const bits = (o.lt ? 4 : 0) | (o.gt ? 2 : 0) | (o.eq ? 1 : 0)
  return ['false', '=', '>', '>=', '<', '<=', '!=', 'true'][bits]!
}

/**
 * Text of the operator list: ORed terms separated by spaces, ANDed operators
 * joined by `&`, in brackets when there is more than one term (ExaBGP's form:
 * `=tcp`, `[ >8080&<8088 =3128 ]`). `true` and `false` (no comparison bit, or
 * all three) match regardless of the value and are written without it.
 */
export function numericText(c: FlowspecNumericComponent): string {
  const terms: string[] = []
  for (const o of c.operators) {
    const sym = symbol(o)
    const value =
      sym === 'true' || sym === 'false'
        ? ''
        : c.type === 3 && typeof o.value === 'number'
          ? (PROTOCOL_NAMES[o.value] ?? String(o.value))
          : String(o.value)
    const text = `${o.and ? '&' : ''}${sym}${value}`
    if (o.and && terms.length) terms[terms.length - 1] += text
    else terms.push(text)
  }
  return terms.length === 1 ? terms[0]! : `[ ${terms.join(' ')} ]`
}
