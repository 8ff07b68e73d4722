// The HTTP API's public surface: createApi (main.ts mounts it on the HTTP
// listener) and the DTO types the web UI type-imports.

export * from './app.ts'
export type { ApiContext, ApiStorage, CollectorInfo, SinkFigures } from './deps.ts'
export type * from './dto.ts'
export { peerDto } from './peers.ts'
