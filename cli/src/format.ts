import wrapAnsi from 'wrap-ansi';

/**
 * Width of the human-readable reports, in characters: they fit a 100-column terminal (and a pull
 * request comment's code block) without wrapping. The full detail goes to `--json`.
 */
export const REPORT_WIDTH = 100;

/** One column of a `table`. */
export interface Column {
  /** `r` pads on the left (numbers). @default 'l' */
  readonly align?: 'l' | 'r';
  /** Widest a cell may be; a longer one wraps onto more lines (at spaces, else mid-word). @default no limit */
  readonly max?: number;
}

/** `text` wrapped to `width` columns, wrapped lines indented by `hanging`. */
export function wrap(text: string, width = REPORT_WIDTH, hanging = '  '): string {
  const [first = '', ...rest] = wrapAnsi(text, width, { hard: true, trim: true }).split('\n');
  if (rest.length === 0) return first;
  const tail = wrapAnsi(rest.join(' '), width - hanging.length, { hard: true, trim: true });
  return [first, ...tail.split('\n').map((l) => hanging + l)].join('\n');
}

/**
 * A plain text table: columns padded to their widest cell, two spaces apart. `columns` sets the
 * alignment (`'l'`/`'r'` or a `Column`) and the widest a column may be; a longer cell wraps, its
 * row taking more lines.
 */
export function table(
  rows: readonly (readonly string[])[],
  columns: readonly ('l' | 'r' | Column)[] = [],
): string {
  const cols = columns.map((c): Column => (typeof c === 'string' ? { align: c } : c));
  const wrapped = rows.map((row) =>
    row.map((cell, i) => {
      const max = cols[i]?.max;
      return max && cell.length > max ? wrapAnsi(cell, max, { hard: true, trim: true }).split('\n') : [cell];
    }),
  );
  const widths: number[] = [];
  for (const row of wrapped) {
    for (const [i, lines] of row.entries())
      for (const line of lines) widths[i] = Math.max(widths[i] ?? 0, line.length);
  }
  return wrapped
    .flatMap((row) => {
      const height = Math.max(1, ...row.map((lines) => lines.length));
      return Array.from({ length: height }, (_, n) =>
        row
          .map((lines, i) => {
            const cell = lines[n] ?? '';
            const width = widths[i] ?? 0;
            return cols[i]?.align === 'r' ? cell.padStart(width) : cell.padEnd(width);
          })
          .join('  ')
          .trimEnd(),
      );
    })
    .join('\n');
}

export const money = (n: number) => `$${n.toFixed(2)}`;

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}
