import * as fs from 'fs';
import * as path from 'path';
import { discoverModels, ModelSource } from '../boot/models';
import { readConfigFile } from '../boot/json-file';
import { builtinModelSources } from './builtin-model-sources';

/**
 * `loopline types`: TypeScript declarations for an app's models, read from the same files boot
 * reads (`model-config.json` and the model JSON in its `_meta.sources`). Each model gets a
 * `<Name>Props` interface and an entry in `AppModels`, so `app.models.Customer.find({where,
 * include})` is checked against the model's properties and relation names. The built-in models
 * (User, AccessToken, Role…) count as sources too: a model based on `User` inherits `email`,
 * `username`…, and the built-ins model-config.json names are declared like the app's own.
 */

const DEFAULT_SOURCES = ['../common/models', './models'];
const BUILTIN_BASES = new Set(['Model', 'PersistedModel', 'KeyValueModel']);

interface Field {
  type: string;
  optional: boolean;
  doc?: string;
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

function key(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/** A property type of a model JSON as a TypeScript type. */
function tsType(type: unknown, known: Set<string>): string {
  if (Array.isArray(type)) return `Array<${tsType(type[0] ?? 'any', known)}>`;
  if (type && typeof type === 'object') {
    const raw = type as Record<string, unknown>;
    if (
      raw.type !== undefined &&
      Object.keys(raw).every((k) => ['type', 'required', 'default', 'description'].includes(k))
    )
      return tsType(raw.type, known);
    const fields = Object.entries(raw).map(
      ([k, v]) => `${key(k)}?: ${tsType(isFullDefinition(v) ? v.type : v, known)}`,
    );
    return `{ ${fields.join('; ')} }`;
  }
  if (typeof type !== 'string') return 'any';
  if (known.has(type)) return `${type}Props`;
  switch (type.toLowerCase()) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'Date';
    case 'buffer':
      return 'Buffer';
    case 'geopoint':
      return '{ lat: number; lng: number }';
    case 'object':
    case 'json':
      return 'Record<string, any>';
    case 'array':
      return 'any[]';
    default:
      return 'any';
  }
}

/** A property written out in full (`{type, required, id, description, ...}`) rather than as its type. */
interface FullPropertyDefinition {
  type: unknown;
  id?: unknown;
  required?: unknown;
  description?: unknown;
}

function isFullDefinition(v: unknown): v is FullPropertyDefinition {
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'type' in (v as object);
}

/** The model's own and inherited (JSON) properties, bases first, as LB3 merges them. */
function fieldsOf(
  name: string,
  sources: Map<string, ModelSource>,
  known: Set<string>,
  seen = new Set<string>(),
): Map<string, Field> {
  const src = sources.get(name);
  const fields = new Map<string, Field>();
  if (!src || seen.has(name)) return fields;
  seen.add(name);
  const def = src.definition;
  const base = typeof def.base === 'string' ? def.base : 'PersistedModel';
  if (!BUILTIN_BASES.has(base)) for (const [k, f] of fieldsOf(base, sources, known, seen)) fields.set(k, f);
  for (const [prop, raw] of Object.entries((def.properties ?? {}) as Record<string, unknown>)) {
    if (raw === null || raw === false) {
      fields.delete(prop);
      continue;
    }
    const full: FullPropertyDefinition = isFullDefinition(raw) ? raw : { type: raw };
    fields.set(prop, {
      type: tsType(full.type, known),
      optional: full.required !== true || full.id === true,
      doc: typeof full.description === 'string' ? full.description : undefined,
    });
  }
  const hasId = [...fields.keys()].some((k) => {
    const raw = def.properties?.[k];
    return isFullDefinition(raw) && !!raw.id;
  });
  if (
    !hasId &&
    def.idInjection !== false &&
    !fields.has('id') &&
    (BUILTIN_BASES.has(base) ? base !== 'Model' : true)
  )
    fields.set('id', { type: 'number', optional: true });
  return fields;
}

/** Relation names of a model, its bases' (which it inherits, as in LB3) first. */
function relationNames(name: string, sources: Map<string, ModelSource>, seen = new Set<string>()): string[] {
  const def = sources.get(name)?.definition;
  if (!def || seen.has(name)) return [];
  seen.add(name);
  const inherited = typeof def.base === 'string' ? relationNames(def.base, sources, seen) : [];
  const own = Object.keys((def.relations ?? {}) as Record<string, unknown>);
  return [...new Set([...inherited, ...own])];
}

/**
 * The app's model sources plus the built-in models it uses: those model-config.json names and
 * those its models (transitively) extend. An app's own JSON of the same name wins.
 */
function withBuiltinsInUse(
  appSources: Map<string, ModelSource>,
  configured: string[],
): Map<string, ModelSource> {
  const builtins = builtinModelSources();
  const sources = new Map(appSources);
  const pending = [...configured, ...[...appSources.values()].map((s) => s.definition.base)];
  while (pending.length) {
    const name = pending.pop();
    if (typeof name !== 'string' || sources.has(name)) continue;
    const builtin = builtins.get(name);
    if (!builtin) continue;
    sources.set(name, builtin);
    pending.push(builtin.definition.base);
  }
  return sources;
}

export interface GeneratedTypes {
  text: string;
  models: string[];
}

export function generateTypes(appRootDir: string): GeneratedTypes {
  const configFile = path.join(appRootDir, 'model-config.json');
  const config = readConfigFile(configFile) as Record<string, any>;
  const appSources = discoverModels(config._meta?.sources ?? DEFAULT_SOURCES, appRootDir);
  const sources = withBuiltinsInUse(appSources, Object.keys(config));
  const models = Object.keys(config).filter((k) => k !== '_meta' && sources.has(k));
  const known = new Set(sources.keys());
  const relationsOf = new Map<string, string[]>();
  const extraFields = new Map<string, Map<string, Field>>();
  const addField = (model: string, prop: string, type: string) => {
    let m = extraFields.get(model);
    if (!m) extraFields.set(model, (m = new Map()));
    if (!m.has(prop)) m.set(prop, { type, optional: true });
  };
  for (const [name, src] of sources) {
    const rels = Object.entries((src.definition.relations ?? {}) as Record<string, any>);
    relationsOf.set(name, relationNames(name, sources));
    for (const [relName, rel] of rels) {
      // Foreign keys the relation adds, named as loopline (and LB3) names them.
      if (rel.type === 'belongsTo' && !rel.polymorphic)
        addField(name, rel.foreignKey ?? `${relName}Id`, 'number');
      if (
        (rel.type === 'hasMany' || rel.type === 'hasOne') &&
        !rel.through &&
        typeof rel.model === 'string'
      ) {
        addField(rel.model, rel.foreignKey ?? `${name.charAt(0).toLowerCase()}${name.slice(1)}Id`, 'number');
      }
    }
  }
  const lines: string[] = [
    '/* Generated by `loopline types` from model-config.json and the model JSON it names. Do not edit. */',
    "import type { ModelOf } from 'loopline';",
    '',
  ];
  for (const name of [...known].sort()) {
    const fields = fieldsOf(name, sources, known);
    for (const [k, f] of extraFields.get(name) ?? []) if (!fields.has(k)) fields.set(k, f);
    if (fields.size === 0) {
      // A model with no properties of its own (a storage container, say): an empty interface
      // would accept any value, so the type says "an object" instead.
      lines.push(`export type ${name}Props = object;`, '');
      continue;
    }
    lines.push(`export interface ${name}Props {`);
    for (const [prop, f] of fields) {
      if (f.doc) lines.push(`  /** ${f.doc.replace(/\*\//g, '* /')} */`);
      lines.push(`  ${key(prop)}${f.optional ? '?' : ''}: ${f.type};`);
    }
    lines.push('}', '');
  }
  lines.push("declare module 'loopline' {", '  interface AppModels {');
  for (const name of models) {
    const rels = relationsOf.get(name) ?? [];
    lines.push(
      `    ${key(name)}: ModelOf<${name}Props${rels.length ? `, ${rels.map((r) => JSON.stringify(r)).join(' | ')}` : ', never'}>;`,
    );
  }
  lines.push('  }', '}', '');
  return { text: lines.join('\n'), models };
}

/** Writes the declarations; resolves to the file written. */
export function writeTypes(appRootDir: string, outFile?: string): string {
  const out = outFile ?? path.join(appRootDir, 'models.d.ts');
  fs.writeFileSync(out, generateTypes(appRootDir).text);
  return out;
}
