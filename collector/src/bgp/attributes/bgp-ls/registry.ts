// Every BGP-LS attribute TLV the codec decodes, keyed by TLV type (IANA
// "BGP-LS NLRI and Attribute TLVs"). The attribute's scope falls back to the
// descriptor TLVs: the registry is one code space, and speakers put some of
// them (Link Local/Remote Identifiers, the MT-ID of a node) in the attribute.
// Any other type is kept as { type, hex }.

import { tlvTable } from '../../nlri/bgp-ls/tlv.ts'
import { registeredDescriptorTlvs } from '../../nlri/bgp-ls/tlv-registry.ts'
import type { BgpLsTlvCodec, BgpLsTlvScope } from '../../nlri/bgp-ls/types.ts'
import { LINK_ATTRIBUTE_TLVS } from './link.ts'
import { NODE_ATTRIBUTE_TLVS } from './node.ts'
import { PREFIX_ATTRIBUTE_TLVS } from './prefix.ts'
import { SR_ATTRIBUTE_TLVS } from './sr.ts'
import { SR_EGRESS_ATTRIBUTE_TLVS } from './sr-egress.ts'
import { SRV6_ATTRIBUTE_TLVS } from './srv6.ts'

const OWN: readonly BgpLsTlvCodec[] = [
  ...NODE_ATTRIBUTE_TLVS,
  ...LINK_ATTRIBUTE_TLVS,
  ...PREFIX_ATTRIBUTE_TLVS,
  ...SR_ATTRIBUTE_TLVS,
  ...SR_EGRESS_ATTRIBUTE_TLVS,
  ...SRV6_ATTRIBUTE_TLVS,
] as readonly BgpLsTlvCodec[]

// Built together with the descriptors so that a type or name in both is an error at load.
const ATTRIBUTE_TLVS = tlvTable([...OWN, ...registeredDescriptorTlvs()])

export function attributeTlvCodec(type: number): BgpLsTlvCodec | undefined {
  return ATTRIBUTE_TLVS.get(type)
}

/** The attribute's own TLVs (without the descriptor TLVs it also accepts). */
export function registeredAttributeTlvs(): readonly BgpLsTlvCodec[] {
  return OWN
}

export const ATTRIBUTE_SCOPE: BgpLsTlvScope = { codec: attributeTlvCodec }
