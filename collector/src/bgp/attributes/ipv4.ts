// IPv4 addresses inside attribute values (NEXT_HOP, AGGREGATOR, ORIGINATOR_ID,
// CLUSTER_LIST) are encoded from their text; a bad text is a typed error.

import { parseIPv4 } from '../../wire/ip.ts'
import { CodecError } from '../errors.ts'

export function ipv4Bytes(text: string): Uint8Array {
  const b = parseIPv4(text)
  if (!b) throw new CodecError('NOTIFY.UPDATE.UNSPECIFIC', `not an IPv4 address: ${text}`, 0)
  return b
}
