// The session facts the codec needs, in one explicit object. A live session
// builds it from the two OPENs (see negotiate in session/), MRT and BMP readers
// from their record headers; the codec never guesses them.

import { ALL_FAMILIES, type FamilySet, NO_FAMILIES } from './family.ts'

export interface CodecContext {
  /** RFC 6793: AS numbers in AS_PATH and AGGREGATOR are 4 octets. */
  readonly asn4: boolean
  /** RFC 7911: families whose NLRI carry a path identifier in the direction being decoded. */
  readonly addPath: FamilySet
  /** RFC 8654: messages may be up to 65535 octets. */
  readonly extendedMessage: boolean
}

/** What a modern session negotiates by default: 4-octet AS, no ADD-PATH, 4096-octet messages. */
export const DEFAULT_CONTEXT: CodecContext = { asn4: true, addPath: NO_FAMILIES, extendedMessage: false }

export function codecContext(overrides: Partial<CodecContext> = {}): CodecContext {
  return { ...DEFAULT_CONTEXT, ...overrides }
}

export const ADD_PATH_ALL_CONTEXT: CodecContext = { ...DEFAULT_CONTEXT, addPath: ALL_FAMILIES }
