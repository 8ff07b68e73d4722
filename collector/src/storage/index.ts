// ClickHouse storage's public surface: the connection, migrations, the table
// columns, the writer (the child process that owns ClickHouse) and the
// history queries. The sink that feeds the writer from the bus is in
// sinks/clickhouse.

export { BatchFormatError, BatchWriter, batchCount, readBatch } from './batch.ts'
export * from './columns.ts'
export { type ClickHouseTarget, describeTarget, embeddedPath, openStore, type Store } from './connection.ts'
export { type MigrateResult, MigrationError, migrate, readMigrations, SCHEMA_DIR } from './migrations.ts'
export type { BatchOutcome, WriterChildStats, WriterOptions } from './protocol.ts'
export * from './queries.ts'
export { StorageWriter, type StorageWriterOptions, type WriterStats } from './writer.ts'
