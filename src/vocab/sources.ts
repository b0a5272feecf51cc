/** What `ccx ingest <source>` accepts (docs/formats.md); the jobs schema's ingest steps name the same sources. */
export const SOURCE_NAMES = ['probe', 'calls', 'chats', 'transcripts', 'leads', 'orders'] as const
export type SourceName = (typeof SOURCE_NAMES)[number]
