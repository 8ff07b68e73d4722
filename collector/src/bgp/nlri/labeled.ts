// Labeled unicast, SAFI 4 (RFC 8277 §2):
//
//   +---------------------------+
//   |   Length (1 octet, bits)  |  covers labels and prefix
//   +---------------------------+
//   |   Label(s) (3 octets each)|
//   +---------------------------+
//   |   Prefix (variable)       |
//   +---------------------------+

import { u8 } from '../../wire/reader.ts'
import { w8 } from '../../wire/writer.ts'
import { labelsSize, nlriLengthOctet, readLabels, writeLabels } from './labels.ts'
import { prefixBits, prefixOctets, readPrefixBits, writePrefixBytes } from './prefix.ts'
import type { FamilyCodec, LabeledNlri } from './types.ts'

export function labeledFamily(afi: 1 | 2, name: string): FamilyCodec<LabeledNlri> {
  const width = afi === 1 ? 4 : 16
  return {
    afi,
    safi: 4,
    name,
    nextHop: 'ip',
    decode(r, pathId, withdraw) {
      const total = u8(r)
      const { labels, bits } = readLabels(r, total, withdraw)
      const prefix = readPrefixBits(r, bits, width)
      return labels.labelFlags
        ? { labels: labels.labels, labelFlags: labels.labelFlags, prefix, pathId }
        : { labels: labels.labels, prefix, pathId }
    },
    size: (n) => 1 + labelsSize(n) + prefixOctets(n.prefix),
    encode(w, n) {
      w8(w, nlriLengthOctet(labelsSize(n) * 8 + prefixBits(n.prefix, width).bits))
      writeLabels(w, n)
      writePrefixBytes(w, n.prefix, width)
    },
    key: (n) => n.prefix,
  }
}
