/**
 * How `jwk-gateway keys …` prints: aligned tables and `name: value` blocks for people, one JSON
 * document with `--json` for scripts. Only public members and lifecycle fields reach this module.
 */
export interface Printer {
  out(text: string): void;
  err(text: string): void;
}

/** Columns padded to their widest cell, two spaces apart. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** `name: value` lines, names aligned; null and undefined values are left out. */
export function fields(entries: readonly (readonly [string, string | null | undefined])[]): string {
  const shown = entries.filter(
    (entry): entry is readonly [string, string] => entry[1] !== null && entry[1] !== undefined,
  );
  const width = Math.max(...shown.map(([name]) => name.length));
  return shown.map(([name, value]) => `${`${name}:`.padEnd(width + 2)}${value}`).join("\n");
}

/** JSON for --json: two-space indented, without GraphQL's __typename. */
export function json(value: unknown): string {
  return JSON.stringify(value, (name, member: unknown) => (name === "__typename" ? undefined : member), 2);
}
