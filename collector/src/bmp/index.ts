// The BMP library's public surface (RFC 7854, RFC 8671, RFC 9069): the
// message codec, one file per message type, and stream reading. Everything
// outside bmp/ imports from here.

export * from './constants.ts'
export * from './errors.ts'
export * from './header.ts'
export * from './json.ts'
export * from './message.ts'
export * from './pdu.ts'
export * from './peer-header.ts'
export * from './stream.ts'
export * from './tlv.ts'
export * from './type-0-route-monitoring.ts'
export * from './type-1-statistics-report.ts'
export * from './type-2-peer-down.ts'
export * from './type-3-peer-up.ts'
export * from './type-4-initiation.ts'
export * from './type-5-termination.ts'
export * from './type-6-route-mirroring.ts'
