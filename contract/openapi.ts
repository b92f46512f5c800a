/**
 * The OpenAPI 3.1 document of the API, built from the route table with zod's own JSON Schema output (draft
 * 2020-12, the dialect OpenAPI 3.1 uses). Request bodies are described as they are sent (`io: "input"`), responses
 * as they come back.
 */
import { z } from 'zod';
import { ErrorBody, HTTP_ERRORS } from './error-codes.ts';
import { isJsonSchema, ROUTES, type Route } from './routes.ts';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(route: Route): JsonObject[] {
  const path = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: m[1] === 'slug' ? { type: 'string' } : { type: 'integer', minimum: 1 },
  }));
  const query: JsonObject[] = [];
  if (route.query) {
    const shape = jsonSchema(route.query, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      query.push({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema });
    }
  }
  return [...path, ...query];
}

function requestBody(route: Route): JsonObject | undefined {
  if (!route.body) return undefined;
  if ('multipart' in route.body) {
    const fields = route.body.multipart;
    if (route.method === 'PATCH') return { required: true, content: { 'application/offset+octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };
    const properties = Object.fromEntries(Object.entries(fields).map(([name, description]) => [name, { description }]));
    return { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties } } } };
  }
  return { required: true, content: { 'application/json': { schema: jsonSchema(route.body as z.ZodType, 'input') } } };
}

function responses(route: Route): JsonObject {
  const out: JsonObject = {};
  for (const [status, body] of Object.entries(route.responses)) {
    if (isJsonSchema(body)) out[status] = { description: route.summary, content: { 'application/json': { schema: jsonSchema(body, 'output') } } };
    else if (!body.contentType) out[status] = { description: body.description };
    else out[status] = { description: body.description, content: { [body.contentType]: {} } };
  }
  out.default = { description: 'an error from the catalogue', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };
  return out;
}

export function openApiDocument(version = '0.1.0'): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    const operation: JsonObject = {
      summary: route.summary,
      description: `Who: ${route.who}.`,
      tags: [route.area],
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
      security: route.who === 'public' ? [{}, { session: [] }, { token: [] }] : route.who === 'metrics token' ? [{}, { token: [] }] : [{ session: [] }, { token: [] }],
      parameters: parameters(route),
      responses: responses(route),
    };
    const body = requestBody(route);
    if (body) operation.requestBody = body;
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Carina',
      version,
      description: 'Airway-segmentation challenges with the ATM\'22 metrics. Error codes and their statuses: ' + Object.entries(HTTP_ERRORS).map(([code, e]) => `${code} (${e.status})`).join(', ') + '.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'carina_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
