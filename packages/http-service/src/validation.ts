// Request validation: path and query values arrive as text and are coerced to the types their
// schema names; JSON bodies are never coerced, since Ajv's coercion would turn a `null` into 0
// (or "" into null) for a `number | null` field, silently changing what the client sent.
import AjvCompiler, { type ValidatorCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

const AJV_OPTIONS = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

/** Fastify's schemaController.compilersFactory.buildValidator: one Ajv for bodies, one for the rest. */
export const buildValidator: ValidatorFactory = (externalSchemas, options) => {
  const factory = AjvCompiler();
  const plugins = options?.plugins ?? [];
  const coercing = factory(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' }, plugins });
  const strict = factory(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false }, plugins });
  const compile: ValidatorCompiler = (route) => (route.httpPart === 'body' ? strict : coercing)(route);
  return compile;
};
