/**
 * LB3's explorer served Swagger 2.0; tools that still expect it get the same API in that form,
 * converted from the OpenAPI 3.1 document (one source of truth).
 */

type Json = Record<string, any>;

function retarget(value: unknown): any {
  if (Array.isArray(value)) return value.map(retarget);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === '$ref' && typeof v === 'string')
      out[k] = v
        .replace('#/components/schemas/', '#/definitions/')
        .replace('#/components/responses/', '#/responses/');
    else if (k === 'oneOf')
      return retarget((v as unknown[])[0]); // 2.0 has no oneOf: the single form
    else out[k] = retarget(v);
  }
  return out;
}

function inlineParameter(p: Json): Json {
  const schema = p.schema ?? {};
  const out: Json = { name: p.name, in: p.in, required: p.required === true, type: schema.type ?? 'string' };
  if (schema.format) out.format = schema.format;
  if (p.description) out.description = p.description;
  return out;
}

/** A 3.1 response (or a reference to a shared one) in 2.0's form: the JSON body's schema, no `content`. */
function response2(r: Json): Json {
  if (typeof r.$ref === 'string') return retarget(r);
  const schema = r.content?.['application/json']?.schema;
  return { description: r.description, ...(schema ? { schema: retarget(schema) } : {}) };
}

export function toSwagger2(doc: Json, basePath: string): Json {
  const paths: Json = {};
  const prefix = basePath.replace(/\/+$/, '');
  for (const [path, ops] of Object.entries(doc.paths as Json)) {
    const target = (paths[path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path] = {} as Json);
    for (const [verb, op] of Object.entries(ops as Json)) {
      const parameters: Json[] = (op.parameters ?? []).map(inlineParameter);
      const content = op.requestBody?.content;
      const form = content?.['multipart/form-data'] ?? content?.['application/x-www-form-urlencoded'];
      if (form) {
        const schema = form.schema;
        for (const [name, s] of Object.entries(schema.properties as Json)) {
          const type = (s as Json).format === 'binary' ? 'file' : ((s as Json).type ?? 'string');
          parameters.push({ name, in: 'formData', required: (schema.required ?? []).includes(name), type });
        }
      } else if (content?.['application/json']) {
        parameters.push({
          name: op.requestBody['x-name'] ?? 'data',
          in: 'body',
          required: op.requestBody.required === true,
          schema: retarget(content['application/json'].schema),
        });
      }
      const responses: Json = {};
      for (const [status, r] of Object.entries(op.responses as Json))
        responses[status] = response2(r as Json);
      target[verb] = {
        tags: op.tags,
        operationId: op.operationId,
        ...(op.summary ? { summary: op.summary } : {}),
        ...(op.description ? { description: op.description } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(content?.['multipart/form-data'] ? { consumes: ['multipart/form-data'] } : {}),
        responses,
        ...(op.security ? { security: op.security } : {}),
      };
    }
  }
  // 2.0's Info has no `summary`.
  const { summary: _summary, ...info } = doc.info as Json;
  const sharedResponses: Json = {};
  for (const [name, r] of Object.entries((doc.components.responses ?? {}) as Json))
    sharedResponses[name] = response2(r as Json);
  return {
    swagger: '2.0',
    info,
    basePath: prefix || '/',
    consumes: ['application/json', 'application/x-www-form-urlencoded'],
    produces: ['application/json'],
    tags: doc.tags,
    paths,
    definitions: retarget(doc.components.schemas),
    ...(Object.keys(sharedResponses).length ? { responses: sharedResponses } : {}),
    securityDefinitions: { AccessToken: { type: 'apiKey', in: 'header', name: 'Authorization' } },
  };
}
