/**
 * The column names of rows: every field, in the order the fields first appear.
 */
export function columnNames(rows: readonly Record<string, unknown>[]): string[] {
  const names: string[] = [];
  const known = new Set<string>();
  for (const row of rows)
    for (const name of Object.keys(row))
      if (!known.has(name)) {
        known.add(name);
        names.push(name);
      }
  return names;
}

/**
 * Rows as one parquet file's bytes (hyparquet-writer, snappy): one nullable UTF8 column per name; a
 * string value as it is, any other value as its JSON text, a missing one null. The same rows give the
 * same bytes. hyparquet-writer is loaded only here, so commands that never write parquet (a run that
 * may curate and export) do not load its modules.
 */
export async function parquetBytes(
  rows: readonly Record<string, unknown>[],
  names = columnNames(rows),
): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const columnData = names.map((name) => ({
    name,
    type: 'STRING' as const,
    nullable: true,
    data: rows.map((row) => {
      const value = row[name];
      if (value === undefined || value === null) return null;
      return typeof value === 'string' ? value : JSON.stringify(value);
    }),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'treesynth-ts (hyparquet-writer)' }));
}
