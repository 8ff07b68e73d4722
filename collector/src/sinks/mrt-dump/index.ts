// MRT dump files (RIS-style updates and bview files): the sink and its file
// layout. main.ts builds one with createMrtDump when the config has a
// dump directory; the API lists and serves the files through list()/file().

export * from './files.ts'
export { dumpRib, type RibDumpOptions, type RibDumpPeerInfo, type RibDumpResult } from './rib-dump.ts'
export * from './sink.ts'
export type { UpdatesFilesStats } from './updates.ts'
