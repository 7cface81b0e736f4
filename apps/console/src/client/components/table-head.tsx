/** A table's header row, from its columns' titles. */

/** A column: its title, or a numeric column's (right-aligned, as its cells are). */
export type Column = string | { readonly num: string };

/** A numeric column. */
export const num = (title: string): Column => ({ num: title });

export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c}>{c}</th>
          ) : (
            <th key={c.num} class="num">
              {c.num}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
