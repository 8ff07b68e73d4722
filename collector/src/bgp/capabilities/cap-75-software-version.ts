// Software version, code 75 (draft-ietf-idr-software-version §3): a 1-octet
// length and that many octets of UTF-8.

import { readShortString, shortStringSize, writeShortString } from './text.ts'
import type { CapabilityCodec } from './types.ts'

export const softwareVersion: CapabilityCodec<'SOFTWARE_VERSION'> = {
  code: 75,
  name: 'SOFTWARE_VERSION',
  decode: (r) => ({ version: readShortString(r) }),
  size: (v) => shortStringSize(v.version),
  encode: (w, v) => writeShortString(w, v.version),
}
