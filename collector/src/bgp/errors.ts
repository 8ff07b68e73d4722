// One error family for the codec. Every problem has a stable named kind
// ("NOTIFY.UPDATE.MALFORMED_AS_PATH", never "(3, 11)"), which is also the
// NOTIFICATION a session would send, and an action from RFC 7606 §2:
//
//   attribute-discard < treat-as-withdraw < afi-safi-disable < session-reset
//
// RFC 7606 §3(f): when an UPDATE has several problems, the strongest action wins.

/** NOTIFICATION codes and subcodes (IANA "BGP Error (Notification) Codes" and subcodes). */
export const NOTIFY = {
  HEADER: {
    code: 1,
    name: 'Message Header Error',
    subcodes: {
      UNSPECIFIC: 0,
      CONNECTION_NOT_SYNCHRONIZED: 1,
      BAD_MESSAGE_LENGTH: 2,
      BAD_MESSAGE_TYPE: 3,
    },
  },
  OPEN: {
    code: 2,
    name: 'OPEN Message Error',
    subcodes: {
      UNSPECIFIC: 0,
      UNSUPPORTED_VERSION_NUMBER: 1,
      BAD_PEER_AS: 2,
      BAD_BGP_IDENTIFIER: 3,
      UNSUPPORTED_OPTIONAL_PARAMETER: 4,
      AUTHENTICATION_FAILURE: 5, // deprecated, RFC 4271 §6.2
      UNACCEPTABLE_HOLD_TIME: 6,
      UNSUPPORTED_CAPABILITY: 7, // RFC 5492
      ROLE_MISMATCH: 11, // RFC 9234
    },
  },
  UPDATE: {
    code: 3,
    name: 'UPDATE Message Error',
    subcodes: {
      UNSPECIFIC: 0,
      MALFORMED_ATTRIBUTE_LIST: 1,
      UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
      MISSING_WELL_KNOWN_ATTRIBUTE: 3,
      ATTRIBUTE_FLAGS_ERROR: 4,
      ATTRIBUTE_LENGTH_ERROR: 5,
      INVALID_ORIGIN_ATTRIBUTE: 6,
      AS_ROUTING_LOOP: 7, // deprecated
      INVALID_NEXT_HOP_ATTRIBUTE: 8,
      OPTIONAL_ATTRIBUTE_ERROR: 9,
      INVALID_NETWORK_FIELD: 10,
      MALFORMED_AS_PATH: 11,
    },
  },
  HOLD_TIMER_EXPIRED: { code: 4, name: 'Hold Timer Expired', subcodes: { UNSPECIFIC: 0 } },
  FSM: {
    code: 5,
    name: 'Finite State Machine Error',
    subcodes: {
      UNSPECIFIC: 0,
      UNEXPECTED_MESSAGE_IN_OPENSENT: 1, // RFC 6608
      UNEXPECTED_MESSAGE_IN_OPENCONFIRM: 2,
      UNEXPECTED_MESSAGE_IN_ESTABLISHED: 3,
    },
  },
  CEASE: {
    code: 6,
    name: 'Cease',
    subcodes: {
      UNSPECIFIC: 0,
      MAXIMUM_NUMBER_OF_PREFIXES_REACHED: 1, // RFC 4486
      ADMINISTRATIVE_SHUTDOWN: 2,
      PEER_DE_CONFIGURED: 3,
      ADMINISTRATIVE_RESET: 4,
      CONNECTION_REJECTED: 5,
      OTHER_CONFIGURATION_CHANGE: 6,
      CONNECTION_COLLISION_RESOLUTION: 7,
      OUT_OF_RESOURCES: 8,
      HARD_RESET: 9, // RFC 8538
      BFD_DOWN: 10, // RFC 9384
    },
  },
  ROUTE_REFRESH: {
    code: 7,
    name: 'ROUTE-REFRESH Message Error',
    subcodes: { UNSPECIFIC: 0, INVALID_MESSAGE_LENGTH: 1 }, // RFC 7313
  },
  SEND_HOLD_TIMER_EXPIRED: { code: 8, name: 'Send Hold Timer Expired', subcodes: { UNSPECIFIC: 0 } }, // RFC 9687
} as const

type Groups = typeof NOTIFY
export type NotifyGroup = keyof Groups
export type ProblemKind = {
  [G in NotifyGroup]: `NOTIFY.${G}.${keyof Groups[G]['subcodes'] & string}`
}[NotifyGroup]

export type ErrorAction =
  | 'none'
  | 'attribute-discard'
  | 'treat-as-withdraw'
  | 'afi-safi-disable'
  | 'session-reset'

const STRENGTH: Record<ErrorAction, number> = {
  none: 0,
  'attribute-discard': 1,
  'treat-as-withdraw': 2,
  'afi-safi-disable': 3,
  'session-reset': 4,
}

export function strongerAction(a: ErrorAction, b: ErrorAction): ErrorAction {
  return STRENGTH[a] >= STRENGTH[b] ? a : b
}

export interface Problem {
  readonly kind: ProblemKind
  readonly action: ErrorAction
  /** Byte offset from the start of the message (its marker) where the fault was found. */
  readonly offset: number
  /** The path attribute type code involved, if any. */
  readonly attribute?: number
  /** The address family involved (for afi-safi-disable), by name. */
  readonly family?: string
  readonly reason: string
}

export function strongestAction(problems: readonly Problem[]): ErrorAction {
  let a: ErrorAction = 'none'
  for (const p of problems) a = strongerAction(a, p.action)
  return a
}

/** The NOTIFICATION (code, subcode) of a problem kind. */
export function notificationOf(kind: ProblemKind): { code: number; subcode: number } {
  const [, group, sub] = kind.split('.') as [string, NotifyGroup, string]
  const g = NOTIFY[group]
  return { code: g.code, subcode: (g.subcodes as Record<string, number>)[sub]! }
}

/** Named (code, subcode) for display; unknown numbers stay numbers. */
export function notificationNames(
  code: number,
  subcode: number,
): { codeName?: string; subcodeName?: string } {
  for (const [group, g] of Object.entries(NOTIFY) as [NotifyGroup, Groups[NotifyGroup]][]) {
    if (g.code !== code) continue
    const sub = Object.entries(g.subcodes as Record<string, number>).find(([, v]) => v === subcode)
    return { codeName: group, ...(sub ? { subcodeName: sub[0] } : {}) }
  }
  return {}
}

/**
 * Thrown inside decoders for a malformation whose kind and action the decoder
 * knows better than its caller; the message decoders catch it and record a
 * Problem. Never escapes the public decode functions.
 */
export class CodecError extends Error {
  readonly kind: ProblemKind
  readonly offset: number
  readonly action: ErrorAction | undefined
  readonly family: string | undefined
  constructor(kind: ProblemKind, reason: string, offset: number, action?: ErrorAction, family?: string) {
    super(reason)
    this.name = 'CodecError'
    this.kind = kind
    this.offset = offset
    this.action = action
    this.family = family
  }
}
