// Length checks shared by the attribute decoders: a wrong length is the most
// common malformation RFC 7606 names, and it is reported as such.

import type { Reader } from '../../wire/reader.ts'
import { CodecError } from '../errors.ts'

export function exactLength(r: Reader, n: number, name: string): void {
  const len = r.end - r.pos
  if (len !== n) {
    throw new CodecError(
      'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
      `${name} length ${len}, expected ${n}`,
      r.pos,
    )
  }
}

export function multipleLength(r: Reader, n: number, name: string): void {
  const len = r.end - r.pos
  if (len % n !== 0) {
    throw new CodecError(
      'NOTIFY.UPDATE.ATTRIBUTE_LENGTH_ERROR',
      `${name} length ${len} is not a multiple of ${n}`,
      r.pos,
    )
  }
}
