/**
 * The filter language's types. `Filter<T>`/`Where<T>` are the public, typed forms a TypeScript
 * user writes; `NormalizedFilter` is what `normalizeFilter` produces once per query and every
 * connector executes.
 */

type Primitive = string | number | boolean | Date | null;

/** Operators for one property; which ones make sense depends on the property's type. */
export interface PropertyOperators<V> {
  eq?: V | null;
  neq?: V | null;
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  between?: [V, V];
  inq?: V[];
  nin?: V[];
  like?: V extends string ? string | RegExp : never;
  nlike?: V extends string ? string | RegExp : never;
  ilike?: V extends string ? string | RegExp : never;
  nilike?: V extends string ? string | RegExp : never;
  regexp?: V extends string ? string | RegExp : never;
  exists?: boolean;
  near?: unknown;
  maxDistance?: number;
  minDistance?: number;
  unit?: 'kilometers' | 'meters' | 'miles' | 'feet' | 'radians' | 'degrees';
  options?: string;
}

type Scalar<V> = V extends Array<infer E> ? E : V;

export type PropertyCondition<V> = Scalar<V> | null | PropertyOperators<Scalar<V>>;

export type Where<T = Record<string, any>> = {
  [K in keyof T]?: PropertyCondition<T[K]>;
} & {
  and?: Where<T>[];
  or?: Where<T>[];
  /** Dotted paths into object properties (`'address.city'`) are allowed. */
  [dotted: `${string}.${string}`]: PropertyCondition<Primitive> | undefined;
};

export type Direction = 'ASC' | 'DESC' | 'asc' | 'desc';
export type Order<T> = `${Extract<keyof T, string>}` | `${Extract<keyof T, string>} ${Direction}`;

export type Fields<T> = { [K in keyof T]?: boolean } | Extract<keyof T, string>[];

/** An include naming relations `R` (any string when the model's relations are not typed). */
export type Inclusion<R extends string = string> =
  | R
  | { relation: R; scope?: Filter<any, string> }
  | { [K in R]?: Inclusion<string> | true }
  | Array<R | { relation: R; scope?: Filter<any, string> } | { [K in R]?: Inclusion<string> | true }>;

export interface Filter<T = Record<string, any>, R extends string = string> {
  where?: Where<T>;
  fields?: Fields<T>;
  order?: Order<T> | Order<T>[] | string | string[];
  limit?: number;
  skip?: number;
  offset?: number;
  include?: Inclusion<R>;
}

export interface OrderKey {
  /** Property name, or a dotted path into an object property. */
  readonly property: string;
  readonly direction: 'ASC' | 'DESC';
}

export interface IncludeSpec {
  readonly relation: string;
  /** The scope filter for the related model; normalised against that model when the relation runs. */
  readonly scope?: Record<string, unknown>;
}

/** A plain-object where clause, validated and with values coerced to property types. */
export type WhereClause = Readonly<Record<string, unknown>>;

export interface NormalizedFilter {
  readonly where?: WhereClause;
  /** The properties to return; undefined means all. */
  readonly fields?: readonly string[];
  readonly order?: readonly OrderKey[];
  readonly limit?: number;
  readonly skip?: number;
  readonly include?: readonly IncludeSpec[];
}
