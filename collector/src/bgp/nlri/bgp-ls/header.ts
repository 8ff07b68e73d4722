// The header and common fields of a Link-State NLRI (RFC 9552 §5.2):
//
//   +------------------------------------+
//   |  NLRI Type (2 octets)              |
//   +------------------------------------+
//   |  Total NLRI Length (2 octets)      |  octets after this field
//   +------------------------------------+
//   |  Route Distinguisher (8 octets)    |  BGP-LS-VPN (SAFI 72) only
//   +------------------------------------+
//   |  Protocol-ID (1 octet)             |
//   +------------------------------------+
//   |  Identifier (8 octets)             |
//   +------------------------------------+
//   |  Local Node Descriptors (TLV 256)  |
//   +------------------------------------+
//   |  … per NLRI type                   |
//   +------------------------------------+
//
// The Local and Remote Node Descriptors are TLVs 256 and 257 holding
// sub-TLVs; where the format names one, another type there is malformed.

import { type Reader, take, u8, u16, u64 } from '../../../wire/reader.ts'
import { type Writer, w8, w16, w64 } from '../../../wire/writer.ts'
import { uint } from './fields.ts'
import { decodeTlvs, encodeTlvs, malformed, tlvsSize } from './tlv.ts'
import { descriptorScope } from './tlv-registry.ts'
import type { BgpLsDescriptorTlv, BgpLsNlriCommon, BgpLsTlvScope } from './types.ts'

export const LOCAL_NODE_DESCRIPTORS = 256
export const REMOTE_NODE_DESCRIPTORS = 257

/** Reads the node descriptors TLV of `type` (256 or 257) at r.pos: its sub-TLVs. */
export function readNodeDescriptors(r: Reader, type: number, scope: BgpLsTlvScope): BgpLsDescriptorTlv[] {
  const at = r.pos
  if (r.end - at < 4) throw malformed(`NLRI ends where node descriptors TLV ${type} was due`, at)
  const got = u16(r)
  const len = u16(r)
  if (got !== type) throw malformed(`TLV ${got} where node descriptors TLV ${type} was due`, at)
  if (r.pos + len > r.end)
    throw malformed(`node descriptors TLV ${type} of length ${len} overruns the NLRI`, at)
  return decodeTlvs<BgpLsDescriptorTlv>(take(r, len), scope)
}

export function nodeDescriptorsSize(list: readonly BgpLsDescriptorTlv[], scope: BgpLsTlvScope): number {
  return 4 + tlvsSize(list, scope)
}

export function writeNodeDescriptors(
  w: Writer,
  type: number,
  list: readonly BgpLsDescriptorTlv[],
  scope: BgpLsTlvScope,
): void {
  const len = tlvsSize(list, scope)
  if (len > 0xffff) throw malformed(`node descriptors of ${len} octets do not fit a TLV`)
  w16(w, type)
  w16(w, len)
  encodeTlvs(w, list, scope)
}

/** Protocol-ID, Identifier and Local Node Descriptors, and the scope of the NLRI's other descriptors. */
export function readCommon(
  r: Reader,
  prefixWidth?: 4 | 16,
): { common: Omit<BgpLsNlriCommon, 'rd' | 'pathId'>; scope: BgpLsTlvScope } {
  const protocolId = u8(r)
  const identifier = u64(r)
  const scope = descriptorScope(protocolId, prefixWidth)
  const localNodeDescriptors = readNodeDescriptors(r, LOCAL_NODE_DESCRIPTORS, scope)
  return { common: { protocolId, identifier, localNodeDescriptors }, scope }
}

export function commonSize(n: BgpLsNlriCommon, scope: BgpLsTlvScope): number {
  return 1 + 8 + nodeDescriptorsSize(n.localNodeDescriptors, scope)
}

export function writeCommon(w: Writer, n: BgpLsNlriCommon, scope: BgpLsTlvScope): void {
  w8(w, uint(n.protocolId, 8, 'Protocol-ID'))
  if (typeof n.identifier !== 'bigint' || n.identifier < 0n || n.identifier > 0xffffffffffffffffn) {
    throw malformed(`Identifier ${String(n.identifier)} is not a 64-bit number`)
  }
  w64(w, n.identifier)
  writeNodeDescriptors(w, LOCAL_NODE_DESCRIPTORS, n.localNodeDescriptors, scope)
}
