/**
 * The wire contract between the server and its clients: request and response schemas per area, the route table,
 * the error catalogue and the OpenAPI document built from them. Imports zod only, so the browser client can import
 * it (types with `import type`, which costs the bundle nothing).
 */
export * from './common.ts';
export * from './error-codes.ts';
export * from './auth.ts';
export * from './challenges.ts';
export * from './phases.ts';
export * from './cases.ts';
export * from './teams.ts';
export * from './submissions.ts';
export * from './leaderboards.ts';
export * from './analysis.ts';
export * from './review.ts';
export * from './releases.ts';
export * from './models.ts';
export * from './uploads.ts';
export * from './viewer/viewer-json.ts';
export * from './health.ts';
export { ROUTES, findRoute, isJsonSchema, NO_BODY, type Route, type Method, type Who, type OtherBody } from './routes.ts';
export { openApiDocument } from './openapi.ts';
