import type { SharedClass } from '../remoting/shared-class';
import type { AcceptArg, ReturnArg, SharedMethod } from '../remoting/shared-method';
import { buildRouteTable, RestRoute } from '../remoting/rest/route-table';
import { errorResponseRef, errorResponses, errorSchema } from './error-responses';
import { DescribedModel, Json, SchemaRegistry } from './schemas';

/**
 * The OpenAPI 3.1 document of an app's REST API, built from the route table the REST adapter
 * mounts (so the two cannot disagree) and from the models' definitions, read through each shared
 * class's constructor. Built once per route-table version, never per request.
 */

export interface OpenApiOptions {
  /** The document's `info` (title and version at least; the app's package.json's, see app-info.ts). */
  info?: Json;
  title?: string;
  version?: string;
  description?: string;
  /** The REST root the routes are mounted under, e.g. `/api`. */
  basePath: string;
  /** The app's `remoting.rest` settings: `normalizeHttpPath` changes the documented paths too. */
  rest?: { normalizeHttpPath?: boolean };
  /**
   * May a caller without an access token call the method? The others get the padlock (and their
   * 401). Without this, every operation has it.
   */
  anonymousMayCall?: (method: SharedMethod) => boolean;
  /** What an ACL refusal answers a caller whose token does not grant the method (`aclErrorStatus`). */
  denialStatus?: (method: SharedMethod) => number;
  /** The properties a create may not set (LB3's `getUpdateOnlyProperties`: a forced id), by model name. */
  createExcludes?: (model: string) => readonly string[];
}

/** Methods whose data only changes the properties it names: their bodies require none. */
const PATCHES = /^(patchOrCreate|patchAttributes|updateAll|__update__.+|__updateById__.+)$/;

/** Methods that answer 404 MODEL_NOT_FOUND when the record is not there, besides instance methods. */
const FINDS_BY_ID = new Set(['findById', 'findOne', 'replaceById']);

/** LB3's descriptions mark words not to translate as `{{id}}`; a reader sees the word. */
function renderPlaceholders(value: unknown): any {
  if (typeof value === 'string') return value.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, '$1');
  if (Array.isArray(value)) return value.map(renderPlaceholders);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json))
    out[k] =
      ['summary', 'description', 'title'].includes(k) && typeof v === 'string'
        ? renderPlaceholders(v)
        : typeof v === 'object'
          ? renderPlaceholders(v)
          : v;
  return out;
}

function definitionOf(sharedClass: SharedClass): DescribedModel | undefined {
  const def = sharedClass.ctor?.definition;
  return def && typeof def === 'object' && def.properties ? (def as DescribedModel) : undefined;
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

function responseSchema(returns: ReturnArg[], schemas: SchemaRegistry): Json | undefined {
  if (!returns.length) return undefined;
  const root = returns.find((r) => r.root);
  if (root) return schemas.remotingTypeSchema(root.type ?? 'any');
  const properties: Json = {};
  for (const r of returns) if (r.arg) properties[r.arg] = schemas.remotingTypeSchema(r.type ?? 'any');
  return { type: 'object', properties };
}

/** The schema of a model's data in a body: as it is, as a create sends it, or as a patch does. */
function dataSchema(
  accept: AcceptArg,
  route: RestRoute,
  schemas: SchemaRegistry,
  options: OpenApiOptions,
): Json {
  const model = accept.model!;
  if (!schemas.exposed.has(model)) return schemas.remotingTypeSchema(accept.type ?? 'object');
  if (accept.createOnlyInstance) return schemas.refNew(model, options.createExcludes?.(model) ?? []);
  if (route.verb === 'patch' || PATCHES.test(route.method.name)) return schemas.refPartial(model);
  return schemas.ref(model);
}

/** The error statuses an operation documents (see error-responses.ts). */
function errorStatuses(
  route: RestRoute,
  needsToken: boolean,
  validatesBody: boolean,
  options: OpenApiOptions,
): string[] {
  const method = route.method;
  const out: string[] = [];
  if (needsToken) {
    out.push('401');
    const denial = String(options.denialStatus?.(method) ?? 401);
    if (denial === '403' || denial === '404') out.push(denial);
  }
  const findsRecord =
    !method.isStatic || FINDS_BY_ID.has(method.name) || (method.name === 'exists' && route.verb === 'head');
  if (findsRecord && !out.includes('404')) out.push('404');
  if (validatesBody) out.push('422');
  return out;
}

function operation(
  route: RestRoute,
  schemas: SchemaRegistry,
  options: OpenApiOptions,
  errorsUsed: Set<string>,
): Json {
  const method = route.method;
  const pathParams = new Set(Array.from(route.path.matchAll(/:(\w+)/g), (m) => m[1]));
  const parameters: Json[] = [];
  let body: Json | undefined;
  let validatesBody = false;
  const form: Json = {};
  const formRequired: string[] = [];
  for (const accept of [...(method.isStatic ? [] : route.sharedClass.sharedCtorAccepts), ...route.accepts]) {
    const source = sourceOf(accept, route.verb, pathParams);
    if (!source || ['req', 'res', 'context'].includes(source)) continue;
    const schema = accept.model
      ? dataSchema(accept, route, schemas, options)
      : schemas.remotingTypeSchema(accept.type ?? 'any');
    const description = Array.isArray(accept.description)
      ? accept.description.join('\n')
      : accept.description;
    if (source === 'body') {
      // x-name keeps the argument's name for the Swagger 2.0 body parameter (LB3: `credentials` for login).
      body = {
        content: {
          'application/json': {
            schema: accept.allowArray ? { oneOf: [schema, { type: 'array', items: schema }] } : schema,
          },
        },
        ...(description ? { description } : {}),
        'x-name': accept.arg,
      };
      if (accept.required) body.required = true;
      // A model's data is validated before it is written (updateAll's is not, as in LB3).
      validatesBody = !!accept.model && schemas.exposed.has(accept.model) && method.name !== 'updateAll';
    } else if (source === 'form') {
      form[accept.arg] = schema;
      if (accept.required) formRequired.push(accept.arg);
    } else {
      const where = source === 'path' ? 'path' : source === 'header' ? 'header' : 'query';
      if (parameters.some((p) => p.name === accept.arg && p.in === where)) continue;
      const param: Json = {
        name: accept.arg,
        in: where,
        required: where === 'path' ? true : accept.required === true,
      };
      // Objects in the query travel as JSON text (`?filter={...}`), as LB3 documents them.
      param.schema =
        schema.type === 'object' || schema.type === 'array' || schema.$ref ? { type: 'string' } : schema;
      if (description) param.description = description;
      parameters.push(param);
    }
  }
  if (!body && Object.keys(form).length) {
    const schema: Json = { type: 'object', properties: form };
    if (formRequired.length) schema.required = formRequired;
    const hasFile = Object.values(form).some((s: Json) => s.format === 'binary');
    body = hasFile
      ? { content: { 'multipart/form-data': { schema } } }
      : { content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } } };
  }
  const status = String(route.status ?? (route.returns.length ? 200 : 204));
  const schema = responseSchema(route.returns, schemas);
  const responses: Json = {
    [status]:
      schema && status !== '204'
        ? { description: 'Request was successful', content: { 'application/json': { schema } } }
        : { description: 'Request was successful' },
  };
  const needsToken = options.anonymousMayCall ? !options.anonymousMayCall(method) : true;
  for (const s of errorStatuses(route, needsToken, validatesBody, options)) {
    if (responses[s]) continue;
    responses[s] = errorResponseRef(s);
    errorsUsed.add(s);
  }
  const op: Json = {
    tags: [route.sharedClass.name],
    // LB3 (loopback-swagger): a method with several routes gets one id per route, e.g.
    // `Customer.replaceOrCreate__put_Customers` and `…__post_Customers_replaceOrCreate`.
    operationId:
      method.routes.length > 1
        ? `${method.stringName}__${route.verb}_${openApiPath(route.path).replace(/^\/+/, '').replace(/\//g, '_')}`
        : method.stringName,
    responses,
    // The padlock: Swagger UI sends the token set in "Authorize" only to these operations.
    security: needsToken ? [{ AccessToken: [] }] : [],
  };
  if (method.description) op.summary = method.description;
  if (method.notes) op.description = method.notes;
  if (parameters.length)
    op.parameters = parameters.map((p) =>
      Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
    );
  if (body) op.requestBody = body;
  return op;
}

/** `info`: the options' title, version and description win over `info`'s; then today's defaults. */
function infoOf(options: OpenApiOptions): Json {
  const info: Json = { ...(options.info ?? {}) };
  if (options.title) info.title = options.title;
  if (options.version) info.version = options.version;
  if (options.description) info.description = options.description;
  info.title = String(info.title ?? 'loopline API');
  info.version = String(info.version ?? '1.0.0');
  return info;
}

export function buildOpenApi(classes: SharedClass[], options: OpenApiOptions): Json {
  const definitions = new Map<string, DescribedModel>();
  for (const c of classes) {
    const def = definitionOf(c);
    if (def) definitions.set(def.name, def);
  }
  const schemas = new SchemaRegistry(
    (name) => definitions.get(name) ?? findDefinition(classes, name),
    new Set(definitions.keys()),
  );
  const errorsUsed = new Set<string>();
  const paths: Json = {};
  const seenIds = new Set<string>();
  for (const route of buildRouteTable(classes, options.rest)) {
    if (route.method.documented === false) continue;
    const path = openApiPath(`${options.basePath.replace(/\/+$/, '')}${route.path}`);
    const op = operation(route, schemas, options, errorsUsed);
    let id = op.operationId as string;
    for (let n = 2; seenIds.has(id); n++) id = `${op.operationId}__${n}`;
    seenIds.add(id);
    op.operationId = id;
    (paths[path] ??= {})[route.verb === 'all' ? 'post' : route.verb] = op;
  }
  const components: Json = { schemas: schemas.build() };
  if (errorsUsed.size) {
    // `Error` unless a model has the name.
    let errorName = 'Error';
    for (let n = 2; components.schemas[errorName] || definitions.has(errorName); n++)
      errorName = `LooplineError${n > 2 ? n : ''}`;
    components.schemas[errorName] = errorSchema();
    components.responses = errorResponses(errorsUsed, errorName);
  }
  components.securitySchemes = {
    // LB3 clients send the raw token in Authorization; `Bearer <token>` works too.
    AccessToken: { type: 'apiKey', in: 'header', name: 'Authorization' },
  };
  return renderPlaceholders({
    openapi: '3.1.0',
    info: infoOf(options),
    tags: classes.map((c) => ({ name: c.name })),
    paths,
    components,
    security: [{ AccessToken: [] }, {}],
  });
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
