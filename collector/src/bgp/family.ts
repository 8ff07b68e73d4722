// Address families are keyed by one number, afi * 256 + safi, and named as
// DESIGN.md names them everywhere (API, ClickHouse, JSON): "ipv4-unicast",
// "l2vpn-evpn", … and "afi-N-safi-M" for any family without a name.

export type FamilyKey = number

export function familyKey(afi: number, safi: number): FamilyKey {
  return afi * 256 + safi
}

export function familyAfi(key: FamilyKey): number {
  return Math.floor(key / 256)
}

export function familySafi(key: FamilyKey): number {
  return key % 256
}

const NAMED: readonly (readonly [afi: number, safi: number, name: string])[] = [
  [1, 1, 'ipv4-unicast'],
  [2, 1, 'ipv6-unicast'],
  [1, 2, 'ipv4-multicast'],
  [2, 2, 'ipv6-multicast'],
  [1, 4, 'ipv4-labeled'],
  [2, 4, 'ipv6-labeled'],
  [1, 5, 'ipv4-mvpn'],
  [2, 5, 'ipv6-mvpn'],
  [1, 73, 'ipv4-srpolicy'],
  [2, 73, 'ipv6-srpolicy'],
  [1, 85, 'ipv4-mup'],
  [2, 85, 'ipv6-mup'],
  [1, 128, 'ipv4-vpn'],
  [2, 128, 'ipv6-vpn'],
  [1, 129, 'ipv4-vpn-multicast'],
  [2, 129, 'ipv6-vpn-multicast'],
  [1, 132, 'ipv4-rtc'],
  [1, 133, 'ipv4-flowspec'],
  [2, 133, 'ipv6-flowspec'],
  [1, 134, 'ipv4-flowspec-vpn'],
  [2, 134, 'ipv6-flowspec-vpn'],
  [25, 65, 'l2vpn-vpls'],
  [25, 70, 'l2vpn-evpn'],
  [16388, 71, 'bgpls'],
  [16388, 72, 'bgpls-vpn'],
]

const NAME_BY_KEY = new Map<FamilyKey, string>()
const KEY_BY_NAME = new Map<string, FamilyKey>()
for (const [afi, safi, name] of NAMED) {
  const key = familyKey(afi, safi)
  if (NAME_BY_KEY.has(key) || KEY_BY_NAME.has(name)) throw new Error(`duplicate family ${name}`)
  NAME_BY_KEY.set(key, name)
  KEY_BY_NAME.set(name, key)
}

export const IPV4_UNICAST: FamilyKey = familyKey(1, 1)
export const IPV6_UNICAST: FamilyKey = familyKey(2, 1)

export function familyName(afi: number, safi: number): string {
  return NAME_BY_KEY.get(familyKey(afi, safi)) ?? `afi-${afi}-safi-${safi}`
}

export function familyNameOfKey(key: FamilyKey): string {
  return familyName(familyAfi(key), familySafi(key))
}

/** The key of a family name (including the afi-N-safi-M form); undefined when unknown. */
export function familyByName(name: string): FamilyKey | undefined {
  const known = KEY_BY_NAME.get(name)
  if (known !== undefined) return known
  const m = /^afi-(\d+)-safi-(\d+)$/.exec(name)
  if (!m) return undefined
  const afi = Number(m[1])
  const safi = Number(m[2])
  return afi <= 0xffff && safi <= 0xff ? familyKey(afi, safi) : undefined
}

export function knownFamilyNames(): string[] {
  return [...KEY_BY_NAME.keys()]
}

/** A set of families; `ALL_FAMILIES` answers yes for every key (MRT ADDPATH records, `--add-path all`). */
export interface FamilySet {
  has(key: FamilyKey): boolean
}

export const NO_FAMILIES: FamilySet = { has: () => false }
export const ALL_FAMILIES: FamilySet = { has: () => true }
