/**
 * The explorer's `components.schemas`: one schema per model a route names (and the models their
 * properties name, transitively), a `New<Model>` one for creating where the model refuses some
 * properties on create (a forced id), a `<Model>Partial` one for patching (nothing required), and
 * the nested object types of properties under names derived from where they are
 * (`Order_items`), never the registry's internal `AnonymousModel_N`.
 */

export type Json = Record<string, any>;

/** What the explorer needs of a model definition (duck-typed: remoting does not know models). */
export interface DescribedProperty {
  kind: DescribedType;
  required: boolean;
  hidden: boolean;
  description?: string;
  generated?: boolean;
  id?: number;
}
export interface DescribedType {
  name: string;
  /** A `Number` whose values are whole (the `integer` type). */
  integer?: boolean;
  itemType?: DescribedType;
  model?: { modelName: string; definition?: { settings?: Record<string, any> } };
}
export interface DescribedModel {
  name: string;
  properties: Record<string, DescribedProperty>;
  propertyNames: readonly string[];
  settings: Record<string, any>;
  idName?: string;
}

/** How a schema differs from the model's own. */
type Variant = 'full' | 'new' | 'partial';

const SCHEMA_REF = '#/components/schemas/';

function isAnonymous(model: NonNullable<DescribedType['model']>): boolean {
  return model.definition?.settings?.anonymous === true || /^AnonymousModel_\d+$/.test(model.modelName);
}

export class SchemaRegistry {
  readonly schemas: Json = {};
  /** Schema name → what it describes; built on `build()`. */
  private readonly wanted = new Map<
    string,
    { model: string; variant: Variant; excluded: readonly string[] }
  >();
  /** An anonymous model's registry name → the schema name given at its first use. */
  private readonly anonymousNames = new Map<string, string>();

  /**
   * @param definitionOf the definition of a model by name (exposed or embedded), if any
   * @param exposed the names of the models the API exposes (a remoting type naming one is a model)
   */
  constructor(
    private readonly definitionOf: (name: string) => DescribedModel | undefined,
    readonly exposed: ReadonlySet<string>,
  ) {}

  /** `preferred`, else `preferred_2`, `_3` …: a name no other schema or model has. */
  private freeName(preferred: string, model: string, variant: Variant): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? preferred : `${preferred}_${n}`;
      const taken = this.wanted.get(name);
      if (
        taken
          ? taken.model === model && taken.variant === variant
          : !this.exposed.has(name) && !this.definitionOf(name)
      )
        return name;
    }
  }

  /** `$ref` to the schema of a model as it is. */
  ref(model: string): Json {
    if (!this.wanted.has(model)) this.wanted.set(model, { model, variant: 'full', excluded: [] });
    return { $ref: SCHEMA_REF + model };
  }

  /** `$ref` to the schema of what a create sends: without the properties only an update may set. */
  refNew(model: string, excluded: readonly string[]): Json {
    if (!excluded.length) return this.ref(model);
    const name = this.freeName(`New${model}`, model, 'new');
    this.wanted.set(name, { model, variant: 'new', excluded });
    return { $ref: SCHEMA_REF + name };
  }

  /** `$ref` to the schema of what a patch sends: the model's properties, none required. */
  refPartial(model: string): Json {
    const name = this.freeName(`${model}Partial`, model, 'partial');
    this.wanted.set(name, { model, variant: 'partial', excluded: [] });
    return { $ref: SCHEMA_REF + name };
  }

  /** Builds every schema referenced so far, and those their properties reference. */
  build(): Json {
    for (let pending = this.unbuilt(); pending.length; pending = this.unbuilt()) {
      for (const name of pending) {
        const want = this.wanted.get(name)!;
        const def = this.definitionOf(want.model);
        this.schemas[name] = def
          ? this.modelSchema(def, name, want.variant, want.excluded)
          : { type: 'object' };
      }
    }
    return this.schemas;
  }

  private unbuilt(): string[] {
    return [...this.wanted.keys()].filter((name) => !this.schemas[name]);
  }

  /** A property's type as a JSON Schema; `path` names the schema of a nested object type. */
  private typeSchema(type: DescribedType | undefined, path: string): Json {
    if (!type) return {};
    if (type.model) {
      if (!isAnonymous(type.model)) return this.ref(type.model.modelName);
      let name = this.anonymousNames.get(type.model.modelName);
      if (!name) {
        name = this.freeName(path, type.model.modelName, 'full');
        this.anonymousNames.set(type.model.modelName, name);
        this.wanted.set(name, { model: type.model.modelName, variant: 'full', excluded: [] });
      }
      return { $ref: SCHEMA_REF + name };
    }
    switch (type.name) {
      case 'String':
        return { type: 'string' };
      case 'Number':
        return { type: type.integer ? 'integer' : 'number' };
      case 'Boolean':
        return { type: 'boolean' };
      case 'Date':
        return { type: 'string', format: 'date-time' };
      case 'Buffer':
        return { type: 'string', format: 'byte' };
      case 'GeoPoint':
        return {
          type: 'object',
          properties: { lat: { type: 'number' }, lng: { type: 'number' } },
          required: ['lat', 'lng'],
        };
      case 'Array':
        return { type: 'array', items: this.typeSchema(type.itemType, path) };
      case 'Object':
        return { type: 'object', additionalProperties: true };
      default:
        return {};
    }
  }

  private modelSchema(
    def: DescribedModel,
    schemaName: string,
    variant: Variant,
    excluded: readonly string[],
  ): Json {
    const properties: Json = {};
    const required: string[] = [];
    for (const name of def.propertyNames) {
      const p = def.properties[name];
      // Hidden properties are never answered, but a client sends them (a user's password).
      if ((p.hidden && variant === 'full') || excluded.includes(name)) continue;
      // Nested types are named after the model's own schema, whichever variant refers to them.
      const schema = this.typeSchema(p.kind, `${variant === 'full' ? schemaName : def.name}_${name}`);
      if (p.description) schema.description = p.description;
      properties[name] = schema;
      if (p.required && variant !== 'partial') required.push(name);
    }
    const out: Json = { type: 'object', title: schemaName, properties };
    if (required.length) out.required = required;
    out.additionalProperties = def.settings.strict !== true;
    const description = def.settings.description;
    if (description)
      out.description = Array.isArray(description) ? description.join('\n') : String(description);
    return out;
  }

  /** A remoting type (`'number'`, `['string']`, `'Customer'`, `{street: 'string'}`) as a JSON Schema. */
  remotingTypeSchema(type: unknown): Json {
    if (Array.isArray(type)) return { type: 'array', items: this.remotingTypeSchema(type[0] ?? 'any') };
    if (type && typeof type === 'object') {
      // An object type literal is described in place, as loopback-swagger did.
      const properties: Json = {};
      for (const [name, t] of Object.entries(type as Json)) properties[name] = this.remotingTypeSchema(t);
      return Object.keys(properties).length ? { type: 'object', properties } : { type: 'object' };
    }
    if (typeof type !== 'string') return {};
    if (this.exposed.has(type)) return this.ref(type);
    const listed = /^\[(.*)\]$/.exec(type);
    if (listed) return { type: 'array', items: this.remotingTypeSchema(listed[1] || 'any') };
    switch (type.toLowerCase()) {
      case 'string':
        return { type: 'string' };
      case 'number':
        return { type: 'number' };
      case 'integer':
        return { type: 'integer' };
      case 'boolean':
        return { type: 'boolean' };
      case 'date':
        return { type: 'string', format: 'date-time' };
      case 'buffer':
        return { type: 'string', format: 'byte' };
      // A file sent in a multipart form (an upload): the explorer offers a file picker.
      case 'file':
        return { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' };
      case 'object':
        return { type: 'object' };
      case 'array':
        return { type: 'array', items: {} };
      default:
        return {};
    }
  }
}
