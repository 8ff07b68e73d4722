// The (AFI, SAFI) pairs inside capability values.

import { familyName } from '../family.ts'
import type { AfiSafi } from './types.ts'

export function afiSafi(afi: number, safi: number): AfiSafi {
  return { afi, safi, family: familyName(afi, safi) }
}
