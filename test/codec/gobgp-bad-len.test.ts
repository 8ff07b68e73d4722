// GoBGP's fuzz corpus of bad length fields (testdata bgp/malformed/gobgp-bad-len):
// every file decodes to a typed result, never a throw. GoBGP's parser does not
// check the marker, and these inputs carry '0' octets there, so each file is
// decoded as it is (a marker error, nothing more) and with the marker set to
// all ones, which reaches the length fields the corpus is about.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTEXTS, checkCase } from '../../bench/fuzz.ts'
import { decodeMessage, type ErrorAction, type ProblemKind } from '../../collector/src/bgp/index.ts'
import { ASN4 } from '../../collector/test-support/samples.ts'
import { requireTestdata } from '../../collector/test-support/testdata.ts'

const testdata = requireTestdata('codec: GoBGP bad-len corpus')

const OVERRUN: ProblemKind = 'NOTIFY.UPDATE.MALFORMED_ATTRIBUTE_LIST'
const NETWORK: ProblemKind = 'NOTIFY.UPDATE.INVALID_NETWORK_FIELD'
const MISSING: ProblemKind = 'NOTIFY.UPDATE.MISSING_WELL_KNOWN_ATTRIBUTE'
const OPEN: ProblemKind = 'NOTIFY.OPEN.UNSPECIFIC'

/** With the marker repaired: the message type decoded (if any), and [kind, action, offset] of each problem. */
const EXPECTED: Record<string, { type?: string; problems: [ProblemKind, ErrorAction, number][] }> = {
  // OPEN whose capability 5 claims 255 octets with 11 left.
  '000852858287eb2ece5cd12aabef453f87b77adb.bin': { problems: [[OPEN, 'session-reset', 37]] },
  // OPEN whose capability 1 claims 254 octets with 11 left.
  '0b229debaa2fc1e8b997c9894ad3184cce8c7bb4.bin': { problems: [[OPEN, 'session-reset', 37]] },
  // UPDATE: MP_UNREACH_NLRI of length 5 in a 3-octet attribute section; a truncated NLRI after it.
  '147a924d9a4a4d9960f8bb49e3ec782ee93f82a7.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 28],
      [MISSING, 'treat-as-withdraw', 21],
    ],
  },
  // OPEN whose optional parameter claims 254 octets with 30 left.
  '1d1fb484828b4f23af3ff0ab71b67682d5876fd6.bin': { problems: [[OPEN, 'session-reset', 31]] },
  // UPDATE: 3 octets of attributes, too few for a header; then a prefix length of 48.
  '27f19d6959e9cbecfcd09b28c3aec493a4b6f18d.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 27],
    ],
  },
  '3765bb2392d48ca8edaf0b5e39209eb2d1b87c53.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 27],
    ],
  },
  '3dce7e046d709b142092e15b78e9ad20ee5144fa.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 28],
      [MISSING, 'treat-as-withdraw', 21],
    ],
  },
  // UPDATE: AIGP of length 5 in a 3-octet attribute section.
  '4d4dc736bc89bf41363774d282b8a7641c3e7a98.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 27],
    ],
  },
  '66e6aab4f34c9c5783c18f90b2d987e5dad241e0.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 28],
      [MISSING, 'treat-as-withdraw', 21],
    ],
  },
  'a8ecedce17e2e28a466cf9fb3bfaf2d8554fef42.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 28],
      [MISSING, 'treat-as-withdraw', 21],
    ],
  },
  'b7ed0646a97127bf424da480a53a84a0cb9c9565.bin': {
    type: 'UPDATE',
    problems: [
      [OVERRUN, 'treat-as-withdraw', 23],
      [NETWORK, 'session-reset', 30],
      [MISSING, 'treat-as-withdraw', 21],
    ],
  },
}

describe.runIf(testdata)('GoBGP bad-len corpus', () => {
  const dir = join(testdata ?? '', 'bgp/malformed/gobgp-bad-len')
  const files = testdata ? readdirSync(dir).sort() : []

  it('every file of the corpus has an expectation here', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort())
  })

  it.each(files)('%s', (file) => {
    const bytes = new Uint8Array(readFileSync(join(dir, file)))
    // As received: the marker is wrong, nothing else is looked at.
    const raw = decodeMessage(bytes, ASN4)
    expect(raw.message).toBeUndefined()
    expect(raw.problems.map((p) => [p.kind, p.action, p.offset])).toEqual([
      ['NOTIFY.HEADER.CONNECTION_NOT_SYNCHRONIZED', 'session-reset', bytes.findIndex((b) => b !== 0xff)],
    ])
    // With the marker repaired: the length fields' own problems.
    const repaired = bytes.slice()
    repaired.fill(0xff, 0, 16)
    const want = EXPECTED[file]!
    const r = decodeMessage(repaired, ASN4)
    expect({ type: r.message?.type, problems: r.problems.map((p) => [p.kind, p.action, p.offset]) }).toEqual(
      want,
    )
    expect(r.action).toBe('session-reset')
    // Under every context, as received and repaired, the result is typed and the property holds.
    for (const ctx of CONTEXTS) {
      expect(checkCase(bytes, ctx)).toBeUndefined()
      expect(checkCase(repaired, ctx)).toBeUndefined()
    }
  })
})
