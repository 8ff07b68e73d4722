// Every BGP-LS descriptor TLV the codec decodes, keyed by TLV type (IANA
// "BGP-LS NLRI and Attribute TLVs"). Inside an NLRI, a TLV of any other type
// is kept as { type, hex }.

import { tlvTable } from './tlv.ts'
import { LINK_DESCRIPTOR_TLVS } from './tlv-link-descriptors.ts'
import { NODE_DESCRIPTOR_TLVS } from './tlv-node-descriptors.ts'
import { PREFIX_DESCRIPTOR_TLVS } from './tlv-prefix-descriptors.ts'
import { SRV6_SID_DESCRIPTOR_TLVS } from './tlv-srv6-sid-descriptors.ts'
import type { BgpLsTlvCodec, BgpLsTlvScope } from './types.ts'

const DESCRIPTORS = tlvTable([
  ...NODE_DESCRIPTOR_TLVS,
  ...LINK_DESCRIPTOR_TLVS,
  ...PREFIX_DESCRIPTOR_TLVS,
  ...SRV6_SID_DESCRIPTOR_TLVS,
] as readonly BgpLsTlvCodec[])

export function descriptorTlvCodec(type: number): BgpLsTlvCodec | undefined {
  return DESCRIPTORS.get(type)
}

export function registeredDescriptorTlvs(): readonly BgpLsTlvCodec[] {
  return [...DESCRIPTORS.values()]
}

/** Descriptor TLVs outside any NLRI (no Protocol-ID or prefix width known). */
export const DESCRIPTOR_SCOPE: BgpLsTlvScope = { codec: descriptorTlvCodec }

/** The scope of one NLRI's descriptors. */
export function descriptorScope(protocolId: number, prefixWidth?: 4 | 16): BgpLsTlvScope {
  return prefixWidth === undefined
    ? { codec: descriptorTlvCodec, protocolId }
    : { codec: descriptorTlvCodec, protocolId, prefixWidth }
}
