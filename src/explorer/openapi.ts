import type { SharedClass } from '../remoting/shared-class';
import type { AcceptArg, ReturnArg } from '../remoting/shared-method';
import { buildRouteTable, RestRoute } from '../remoting/rest/route-table';

/**
 * The OpenAPI 3.1 document of an app's REST API, built from the route table the REST adapter
 * mounts (so the two cannot disagree) and from the models' definitions, read through each shared
 * class's constructor. Built once per route-table version, never per request.
 */

type Json = Record<string, any>;

export interface OpenApiOptions {
  title?: string;
  version?: string;
  description?: string;
  /** The REST root the routes are mounted under, e.g. `/api`. */
  basePath: string;
  /** The app's `remoting.rest` settings: `normalizeHttpPath` changes the documented paths too. */
  rest?: { normalizeHttpPath?: boolean };
}

/** What the explorer needs of a model definition (duck-typed: remoting does not know models). */
interface DescribedProperty {
  kind: { name: string; itemType?: DescribedType; model?: { modelName: string } };
  required: boolean;
  hidden: boolean;
  description?: string;
  generated?: boolean;
  id?: number;
}
type DescribedType = DescribedProperty['kind'];
interface DescribedModel {
  name: string;
  properties: Record<string, DescribedProperty>;
  propertyNames: readonly string[];
  settings: Record<string, any>;
  idName?: string;
}

function definitionOf(sharedClass: SharedClass): DescribedModel | undefined {
  const def = sharedClass.ctor?.definition;
  return def && typeof def === 'object' && def.properties ? (def as DescribedModel) : undefined;
}

/** A loopline type as a JSON Schema. */
function typeSchema(type: DescribedType | undefined, refs: Set<string>): Json {
  if (!type) return {};
  if (type.model) {
    refs.add(type.model.modelName);
    return { $ref: `#/components/schemas/${type.model.modelName}` };
  }
  switch (type.name) {
    case 'String':
      return { type: 'string' };
    case 'Number':
      return { type: 'number' };
    case 'Boolean':
      return { type: 'boolean' };
    case 'Date':
      return { type: 'string', format: 'date-time' };
    case 'Buffer':
      return { type: 'string', format: 'byte' };
    case 'GeoPoint':
      return { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' } }, required: ['lat', 'lng'] };
    case 'Array':
      return { type: 'array', items: typeSchema(type.itemType, refs) };
    case 'Object':
      return { type: 'object', additionalProperties: true };
    default:
      return {};
  }
}

export function modelSchema(def: DescribedModel, refs: Set<string>): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const name of def.propertyNames) {
    const p = def.properties[name];
    if (p.hidden) continue;
    const schema = typeSchema(p.kind, refs);
    if (p.description) schema.description = p.description;
    properties[name] = schema;
    if (p.required) required.push(name);
  }
  const out: Json = { type: 'object', title: def.name, properties };
  if (required.length) out.required = required;
  if (def.settings.strict !== true) out.additionalProperties = true;
  else out.additionalProperties = false;
  const description = def.settings.description;
  if (description) out.description = Array.isArray(description) ? description.join('\n') : String(description);
  return out;
}

/** A remoting type name (`'number'`, `['string']`, `'Customer'`) as a JSON Schema. */
function remotingTypeSchema(type: unknown, refs: Set<string>, models: Set<string>): Json {
  if (Array.isArray(type)) return { type: 'array', items: remotingTypeSchema(type[0] ?? 'any', refs, models) };
  if (typeof type !== 'string') return type && typeof type === 'object' ? { type: 'object' } : {};
  if (models.has(type)) {
    refs.add(type);
    return { $ref: `#/components/schemas/${type}` };
  }
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

function sourceOf(accept: AcceptArg, verb: string, pathParams: Set<string>): string | undefined {
  const http = accept.http;
  if (typeof http === 'function' || typeof http === 'string') return undefined;
  const source = http?.source;
  if (source) return source === 'formData' ? 'form' : source;
  if (pathParams.has(accept.arg)) return 'path';
  return ['post', 'put', 'patch'].includes(verb) ? 'form' : 'query';
}

/** `/Customers/:id/orders/:fk` → `/Customers/{id}/orders/{fk}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function responseSchema(returns: ReturnArg[], refs: Set<string>, models: Set<string>): Json | undefined {
  if (!returns.length) return undefined;
  const root = returns.find((r) => r.root);
  if (root) return remotingTypeSchema(root.type ?? 'any', refs, models);
  const properties: Json = {};
  for (const r of returns) if (r.arg) properties[r.arg] = remotingTypeSchema(r.type ?? 'any', refs, models);
  return { type: 'object', properties };
}

function operation(route: RestRoute, refs: Set<string>, models: Set<string>): Json {
  const method = route.method;
  const pathParams = new Set(Array.from(route.path.matchAll(/:(\w+)/g), (m) => m[1]));
  const parameters: Json[] = [];
  let body: Json | undefined;
  const form: Json = {};
  const formRequired: string[] = [];
  for (const accept of [...(method.isStatic ? [] : route.sharedClass.sharedCtorAccepts), ...route.accepts]) {
    const source = sourceOf(accept, route.verb, pathParams);
    if (!source || ['req', 'res', 'context'].includes(source)) continue;
    const schema = accept.model ? remotingTypeSchema(accept.model, refs, models) : remotingTypeSchema(accept.type ?? 'any', refs, models);
    const description = Array.isArray(accept.description) ? accept.description.join('\n') : accept.description;
    if (source === 'body') {
      // x-name keeps the argument's name for the Swagger 2.0 body parameter (LB3: `credentials` for login).
      body = { content: { 'application/json': { schema: accept.allowArray ? { oneOf: [schema, { type: 'array', items: schema }] } : schema } }, ...(description ? { description } : {}), 'x-name': accept.arg };
      if (accept.required) body.required = true;
    } else if (source === 'form') {
      form[accept.arg] = schema;
      if (accept.required) formRequired.push(accept.arg);
    } else {
      const where = source === 'path' ? 'path' : source === 'header' ? 'header' : 'query';
      if (parameters.some((p) => p.name === accept.arg && p.in === where)) continue;
      const param: Json = { name: accept.arg, in: where, required: where === 'path' ? true : accept.required === true };
      // Objects in the query travel as JSON text (`?filter={...}`), as LB3 documents them.
      param.schema = schema.type === 'object' || schema.type === 'array' || schema.$ref ? { type: 'string' } : schema;
      if (description) param.description = description;
      parameters.push(param);
    }
  }
  if (!body && Object.keys(form).length) {
    const schema: Json = { type: 'object', properties: form };
    if (formRequired.length) schema.required = formRequired;
    const hasFile = Object.values(form).some((s: Json) => s.format === 'binary');
    body = hasFile ? { content: { 'multipart/form-data': { schema } } } : { content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } } };
  }
  const status = String(route.status ?? (route.returns.length ? 200 : 204));
  const schema = responseSchema(route.returns, refs, models);
  const responses: Json = {
    [status]: schema && status !== '204' ? { description: 'Request was successful', content: { 'application/json': { schema } } } : { description: 'Request was successful' },
  };
  const op: Json = {
    tags: [route.sharedClass.name],
    // LB3 (loopback-swagger): a method with several routes gets one id per route, e.g.
    // `Customer.replaceOrCreate__put_Customers` and `…__post_Customers_replaceOrCreate`.
    operationId: method.routes.length > 1 ? `${method.stringName}__${route.verb}_${openApiPath(route.path).replace(/^\/+/, '').replace(/\//g, '_')}` : method.stringName,
    responses,
  };
  if (method.description) op.summary = method.description;
  if (method.notes) op.description = method.notes;
  if (parameters.length) op.parameters = parameters.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
  if (body) op.requestBody = body;
  return op;
}

export function buildOpenApi(classes: SharedClass[], options: OpenApiOptions): Json {
  const refs = new Set<string>();
  const models = new Set<string>();
  const definitions = new Map<string, DescribedModel>();
  for (const c of classes) {
    const def = definitionOf(c);
    if (def) {
      models.add(def.name);
      definitions.set(def.name, def);
    }
  }
  const paths: Json = {};
  const seenIds = new Set<string>();
  for (const route of buildRouteTable(classes, options.rest)) {
    if (route.method.documented === false) continue;
    const path = openApiPath(`${options.basePath.replace(/\/+$/, '')}${route.path}`);
    const op = operation(route, refs, models);
    let id = op.operationId as string;
    for (let n = 2; seenIds.has(id); n++) id = `${op.operationId}__${n}`;
    seenIds.add(id);
    op.operationId = id;
    (paths[path] ??= {})[route.verb === 'all' ? 'post' : route.verb] = op;
  }
  const schemas: Json = {};
  // Models named by routes, and the models their properties reference, transitively.
  const pending = [...refs];
  while (pending.length) {
    const name = pending.pop()!;
    if (schemas[name]) continue;
    const def = definitions.get(name) ?? findDefinition(classes, name);
    if (!def) {
      schemas[name] = { type: 'object' };
      continue;
    }
    const before = new Set(refs);
    schemas[name] = modelSchema(def, refs);
    for (const r of refs) if (!before.has(r)) pending.push(r);
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? 'loopline API', version: options.version ?? '1.0.0', ...(options.description ? { description: options.description } : {}) },
    tags: classes.map((c) => ({ name: c.name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        // LB3 clients send the raw token in Authorization; `Bearer <token>` works too.
        AccessToken: { type: 'apiKey', in: 'header', name: 'Authorization' },
      },
    },
    security: [{ AccessToken: [] }, {}],
  };
}

/** A model referenced by a property but exposed by no class (an embedded model). */
function findDefinition(classes: SharedClass[], name: string): DescribedModel | undefined {
  for (const c of classes) {
    const builder = c.ctor?.modelBuilder;
    const Model = builder?.getModel?.(name);
    if (Model?.definition) return Model.definition as DescribedModel;
  }
  return undefined;
}
