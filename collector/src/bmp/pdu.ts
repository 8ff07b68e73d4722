// BGP PDUs inside BMP messages (RFC 7854 §4.6, §4.7, §4.9, §4.10): each is a
// whole BGP message, marker and header included, whose own Length field says
// where it ends. They are kept as octets (views into the input); decoding one
// needs the session's context (stream.ts builds it from the Peer Up OPENs).

import { BGP_HEADER_LENGTH } from '../bgp/index.ts'
import { bytes, type Reader, remaining } from '../wire/reader.ts'
import { BmpError } from './errors.ts'

/** The BGP message at the reader, by its header's length. */
export function readBgpPdu(r: Reader, what: string): Uint8Array {
  if (remaining(r) < BGP_HEADER_LENGTH)
    throw new BmpError('BMP.MALFORMED', `${what}: ${remaining(r)} octets, short of a BGP header`, r.pos)
  const b = r.buf
  const length = (b[r.pos + 16]! << 8) | b[r.pos + 17]!
  if (length < BGP_HEADER_LENGTH || length > remaining(r))
    throw new BmpError(
      'BMP.MALFORMED',
      `${what}: BGP length ${length}, ${remaining(r)} octets left`,
      r.pos + 16,
    )
  return bytes(r, length)
}
