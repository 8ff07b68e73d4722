// The BGP codec's public surface. Everything outside bgp/ imports from here.

export { effectivePath, flattenPath, originAs, pathLength } from './attributes/as4-merge.ts'
export { formatCommunity, parseCommunity, WELL_KNOWN_COMMUNITIES } from './attributes/attr-8-communities.ts'
export {
  formatPmsiTunnel,
  PMSI_TUNNEL_TYPES,
  type PmsiIngressReplication,
  type PmsiMldp,
  type PmsiOther,
  type PmsiPim,
  type PmsiRsvpP2mp,
  type PmsiTunnel,
} from './attributes/attr-22-pmsi-tunnel.ts'
export type {
  PrefixSid,
  PrefixSidTlv,
  SidInformationSubTlv,
  Srv6ServiceTlv,
} from './attributes/attr-40-prefix-sid.ts'
export {
  attributeListSize,
  decodeAttributeList,
  encodeAttributeList,
  type ProblemLog,
} from './attributes/attribute-list.ts'
export {
  ATTRIBUTE_SCOPE as BGP_LS_ATTRIBUTE_SCOPE,
  attributeTlvCodec as bgpLsAttributeTlvCodec,
} from './attributes/bgp-ls/registry.ts'
export type * from './attributes/bgp-ls/types.ts'
export type {
  DefaultGatewayEc,
  EsImportRouteTargetEc,
  EsiLabelEc,
  EvpnEc,
  Layer2AttributesEc,
  MacMobilityEc,
  RouterMacEc,
} from './attributes/extended-communities/evpn.ts'
export type { FlowspecEc } from './attributes/extended-communities/flowspec.ts'
export { formatIpv6ExtendedCommunity } from './attributes/extended-communities/ipv6.ts'
export {
  decodeExtendedCommunity,
  encodeExtendedCommunity,
  formatExtendedCommunity,
} from './attributes/extended-communities/registry.ts'
export * from './attributes/extended-communities/types.ts'
export { attributeCodec, registeredAttributes } from './attributes/registry.ts'
export type {
  SegmentListSubTlv,
  TunnelEncapsulation,
  TunnelSubTlv,
  TunnelTlv,
} from './attributes/tunnel-encapsulation/types.ts'
export * from './attributes/types.ts'
export { capabilityCodec, registeredCapabilities } from './capabilities/registry.ts'
export * from './capabilities/types.ts'
export * from './constants.ts'
export * from './context.ts'
export * from './errors.ts'
export * from './family.ts'
export { jsonReplacer, toJson } from './json.ts'
export * from './messages/header.ts'
export type { KeepaliveMessage } from './messages/keepalive.ts'
export * from './messages/message.ts'
export type { NotificationMessage } from './messages/notification.ts'
export { shutdownNotification } from './messages/notification.ts'
export type { OpenMessage, OptionalParameter } from './messages/open.ts'
export { openAsn, openCapabilities } from './messages/open.ts'
export type { RouteRefreshMessage } from './messages/route-refresh.ts'
export type { UpdateMessage } from './messages/update.ts'
export { AFI_BGP_LS, bgpLsNlriType, SAFI_BGP_LS, SAFI_BGP_LS_VPN } from './nlri/bgp-ls/family.ts'
export { findTlv as findBgpLsTlv } from './nlri/bgp-ls/tlv.ts'
export {
  DESCRIPTOR_SCOPE as BGP_LS_DESCRIPTOR_SCOPE,
  descriptorTlvCodec as bgpLsDescriptorTlvCodec,
} from './nlri/bgp-ls/tlv-registry.ts'
export type * from './nlri/bgp-ls/types.ts'
export { type Esi, formatEsi } from './nlri/evpn/esi.ts'
export type { EvpnNlri } from './nlri/evpn/family.ts'
export type { Label24 } from './nlri/evpn/fields.ts'
export type { EvpnMulticastFields } from './nlri/evpn/multicast.ts'
export { type EvpnRoute, type EvpnUnknownRoute, registeredEvpnRouteTypes } from './nlri/evpn/registry.ts'
export type { EvpnEthernetAdRoute } from './nlri/evpn/type-1-ethernet-ad.ts'
export type { EvpnMacIpRoute } from './nlri/evpn/type-2-mac-ip.ts'
export type { EvpnInclusiveMulticastRoute } from './nlri/evpn/type-3-inclusive-multicast.ts'
export type { EvpnEthernetSegmentRoute } from './nlri/evpn/type-4-ethernet-segment.ts'
export type { EvpnIpPrefixRoute } from './nlri/evpn/type-5-ip-prefix.ts'
export type { EvpnSmetRoute } from './nlri/evpn/type-6-smet.ts'
export type { EvpnIgmpJoinSyncRoute } from './nlri/evpn/type-7-igmp-join-sync.ts'
export type { EvpnIgmpLeaveSyncRoute } from './nlri/evpn/type-8-igmp-leave-sync.ts'
export { flowspecText } from './nlri/flowspec/family.ts'
export type {
  BitmaskOperator,
  FlowspecBitmaskComponent,
  FlowspecComponent,
  FlowspecNlri,
  FlowspecNumericComponent,
  FlowspecPrefixComponent,
  NumericOperator,
} from './nlri/flowspec/types.ts'
export { MUP_ARCHITECTURE_TYPES, MUP_ROUTE_TYPES, type MupNlri } from './nlri/mup.ts'
export type { CMulticastFields } from './nlri/mvpn/c-multicast.ts'
export type { MvpnNlri } from './nlri/mvpn/family.ts'
export { type MvpnRoute, type MvpnUnknownRoute, registeredMvpnRouteTypes } from './nlri/mvpn/registry.ts'
export type { SourceGroup } from './nlri/mvpn/source-group.ts'
export type { MvpnIntraAsIPmsiAdRoute } from './nlri/mvpn/type-1-intra-as-i-pmsi-ad.ts'
export type { MvpnInterAsIPmsiAdRoute } from './nlri/mvpn/type-2-inter-as-i-pmsi-ad.ts'
export type { MvpnSPmsiAdRoute } from './nlri/mvpn/type-3-s-pmsi-ad.ts'
export type { MvpnLeafAdRoute } from './nlri/mvpn/type-4-leaf-ad.ts'
export type { MvpnSourceActiveAdRoute } from './nlri/mvpn/type-5-source-active-ad.ts'
export type { MvpnSharedTreeJoinRoute } from './nlri/mvpn/type-6-c-multicast-shared-tree-join.ts'
export type { MvpnSourceTreeJoinRoute } from './nlri/mvpn/type-7-c-multicast-source-tree-join.ts'
export type { NextHop } from './nlri/next-hop.ts'
export { familyCodec, isDecodedFamily, registeredFamilies } from './nlri/registry.ts'
export type { RtcNlri } from './nlri/rtc.ts'
export type { SrPolicyNlri } from './nlri/sr-policy.ts'
export * from './nlri/types.ts'
export type { L2vpnVplsNlri, VplsAdNlri, VplsNlri } from './nlri/vpls.ts'
export * from './routes.ts'
