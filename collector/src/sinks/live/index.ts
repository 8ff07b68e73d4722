// The live feed (RIS Live protocol over WebSocket and HTTP stream): its public surface.

export * from './filter-index.ts'
export * from './history.ts'
export * from './history-clickhouse.ts'
export * from './http-stream.ts'
export * from './latency.ts'
export * from './live-sink.ts'
export * from './outgoing.ts'
export * from './path-pattern.ts'
export * from './protocol.ts'
export * from './ris-message.ts'
export * from './subscription.ts'
export * from './websocket.ts'
