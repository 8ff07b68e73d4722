// The BGP codec's public surface. Everything outside bgp/ imports from here.

export { effectivePath, flattenPath, originAs, pathLength } from './attributes/as4-merge.ts'
export { formatCommunity, parseCommunity, WELL_KNOWN_COMMUNITIES } from './attributes/attr-8-communities.ts'
export {
  attributeListSize,
  decodeAttributeList,
  encodeAttributeList,
  type ProblemLog,
} from './attributes/attribute-list.ts'
export { formatIpv6ExtendedCommunity } from './attributes/extended-communities/ipv6.ts'
export {
  decodeExtendedCommunity,
  encodeExtendedCommunity,
  formatExtendedCommunity,
} from './attributes/extended-communities/registry.ts'
export * from './attributes/extended-communities/types.ts'
export { attributeCodec, registeredAttributes } from './attributes/registry.ts'
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
export type { NextHop } from './nlri/next-hop.ts'
export { familyCodec, isDecodedFamily, registeredFamilies } from './nlri/registry.ts'
export type { RtcNlri } from './nlri/rtc.ts'
export * from './nlri/types.ts'
export * from './routes.ts'
