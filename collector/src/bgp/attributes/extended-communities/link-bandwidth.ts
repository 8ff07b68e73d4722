// Link bandwidth, type 0x40 (and the transitive 0x00) subtype 0x04
// (draft-ietf-idr-link-bandwidth §3): a 2-octet AS and the bandwidth in bytes
// per second as an IEEE 754 single.

import { CodecError } from '../../errors.ts'
import type { EcKind, LinkBandwidthEc } from './types.ts'

export const linkBandwidth: EcKind<LinkBandwidthEc> = {
  codes: [0x4004, 0x0004],
  decode(type, subtype, value) {
    const asn = (value[0]! << 8) | value[1]!
    const bandwidth = new DataView(value.buffer, value.byteOffset + 2, 4).getFloat32(0)
    // A NaN does not keep its bit pattern through a JS number; kept unknown, its octets survive.
    if (Number.isNaN(bandwidth)) return undefined
    return { type, subtype, name: 'link-bandwidth', asn, bandwidth }
  },
  encode(e) {
    if (e.asn > 0xffff)
      throw new CodecError('NOTIFY.UPDATE.OPTIONAL_ATTRIBUTE_ERROR', `link bandwidth AS ${e.asn}`, 0)
    const out = new Uint8Array(6)
    out[0] = e.asn >>> 8
    out[1] = e.asn & 0xff
    new DataView(out.buffer, 2, 4).setFloat32(0, e.bandwidth)
    return out
  },
  format: (e) => `link-bandwidth:${e.asn}:${e.bandwidth}`,
}
