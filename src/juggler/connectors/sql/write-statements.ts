import { hasOwn } from '../../../util/own';
import type { ModelDefinition } from '../../model-definition';
import type { Row } from '../connector';
import type { SqlSyntax } from './syntax';

/** What the write statements need of their connector: the dialect and the quoted names. */
export interface WriteHost {
  readonly syntax: SqlSyntax;
  table(def: ModelDefinition): string;
  col(def: ModelDefinition, property: string): string;
}

/** The properties a write binds, in definition order, and the key of that set. */
export interface WrittenProperties {
  names: string[];
  key: number | string;
}

/**
 * The properties of `def` that `data` writes, in definition order, less `except`; keyed by a bit
 * per property (a string of them past 30 properties). The same set of properties always binds its
 * values in the same order, so one statement text serves it. An INSERT writes the properties with
 * a value (an undefined one takes the column default); an UPDATE (`keys`) every property the data
 * names, an undefined value as NULL.
 */
export function writtenProperties(
  def: ModelDefinition,
  data: Row,
  except?: string,
  keys = false,
): WrittenProperties {
  const all = def.propertyNames;
  const names: string[] = [];
  const writes = (n: string) => n !== except && (data[n] !== undefined || (keys && hasOwn(data, n)));
  if (all.length <= 30) {
    let key = 0;
    for (let i = 0; i < all.length; i++) {
      const n = all[i];
      if (!writes(n)) continue;
      names.push(n);
      key |= 1 << i;
    }
    return { names, key };
  }
  let key = '';
  for (const n of all) {
    const present = writes(n);
    if (present) names.push(n);
    key += present ? '1' : '0';
  }
  return { names, key };
}

/**
 * The INSERT and UPDATE-by-id texts of a model, kept per set of written properties: a write
 * endpoint sends the same properties request after request, and its text (quoted names,
 * placeholders, RETURNING list) is then built once. Bounded per model; sets beyond the bound are
 * built each time.
 */
export class WriteStatements {
  private readonly texts = new WeakMap<ModelDefinition, Map<string, string>>();
  private readonly returning = new WeakMap<ModelDefinition, string>();

  constructor(
    private readonly host: WriteHost,
    private readonly maxPerModel = 256,
  ) {}

  /** `INSERT INTO t (a, b) VALUES ($1, $2)`, with `RETURNING <id> AS id` where the store answers the id so. */
  insert(def: ModelDefinition, written: WrittenProperties): string {
    return this.kept(def, 'i' + written.key, () => {
      const { syntax } = this.host;
      const into = `INSERT INTO ${this.host.table(def)}`;
      const cols = written.names.map((n) => this.host.col(def, n));
      const vals = written.names.map((_, i) => syntax.placeholder(i + 1));
      const sql = cols.length
        ? `${into} (${cols.join(', ')}) VALUES (${vals.join(', ')})`
        : `${into} ${syntax.emptyInsert}`;
      return syntax.insertReturnsId && def.idName
        ? `${sql} RETURNING ${this.host.col(def, def.idName)} AS id`
        : sql;
    });
  }

  /**
   * `UPDATE t SET a = $1, b = $2 WHERE <id> = $3`: the written properties' values, then the id;
   * with `RETURNING` every column (in definition order) where the store answers the row so.
   */
  updateById(def: ModelDefinition, written: WrittenProperties): string {
    return this.kept(def, 'u' + written.key, () => {
      const { syntax } = this.host;
      const sets = written.names.map((n, i) => `${this.host.col(def, n)} = ${syntax.placeholder(i + 1)}`);
      const where = `${this.host.col(def, def.idName!)} = ${syntax.placeholder(written.names.length + 1)}`;
      const sql = `UPDATE ${this.host.table(def)} SET ${sets.join(', ')} WHERE ${where}`;
      return syntax.updateReturning ? `${sql} RETURNING ${this.returningList(def)}` : sql;
    });
  }

  /** Every column of the model, in definition order (the row reader's order for every property). */
  returningList(def: ModelDefinition): string {
    let list = this.returning.get(def);
    if (list === undefined) {
      list = def.propertyNames.map((n) => this.host.col(def, n)).join(', ');
      this.returning.set(def, list);
    }
    return list;
  }

  private kept(def: ModelDefinition, key: string, build: () => string): string {
    let texts = this.texts.get(def);
    if (!texts) this.texts.set(def, (texts = new Map()));
    let sql = texts.get(key);
    if (sql === undefined) {
      sql = build();
      if (texts.size < this.maxPerModel) texts.set(key, sql);
    }
    return sql;
  }
}
