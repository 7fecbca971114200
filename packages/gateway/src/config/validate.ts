// Schema validation with messages a person can act on: each names the key path
// (`routes[0].limits[1].rate`) and what was expected, and shows what was found.
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

/** Fills defaults into `value` (in place) and returns it with the list of problems; empty means valid. */
export function validateAgainst(schema: TSchema, value: unknown): { value: unknown; issues: string[] } {
  const defaulted = Value.Default(schema, value);
  return { value: defaulted, issues: onePerPath(collectIssues(schema, defaulted, '')) };
}

function collectIssues(schema: TSchema, value: unknown, basePointer: string): string[] {
  const issues: string[] = [];
  for (const error of Value.Errors(schema, value)) {
    const pointer = basePointer + error.path;
    const discriminator = (error.schema as { discriminator?: unknown }).discriminator;
    if (error.type === ValueErrorType.Union && typeof discriminator === 'string') {
      issues.push(...discriminatedIssues(error, discriminator, pointer));
    } else {
      issues.push(`${displayPath(pointer)}: ${describe(error)}`);
    }
  }
  return issues;
}

// A tagged union (e.g. a limit's `type`) is checked against the variant its tag names, so that the
// message concerns that variant's keys rather than "matches none of three shapes".
function discriminatedIssues(error: ValueError, discriminator: string, pointer: string): string[] {
  const variants = (error.schema as unknown as { anyOf: TSchema[] }).anyOf;
  const tags = variants.map((variant) => (variant as unknown as { properties: Record<string, { const: unknown }> }).properties[discriminator]?.const);
  if (typeof error.value !== 'object' || error.value === null || Array.isArray(error.value)) {
    return [`${displayPath(pointer)}: expected an object, got ${shown(error.value)}`];
  }
  const tag = (error.value as Record<string, unknown>)[discriminator];
  const index = tags.indexOf(tag);
  const variant = variants[index];
  if (index === -1 || variant === undefined) {
    return [`${displayPath(`${pointer}/${discriminator}`)}: expected one of ${tags.map((t) => JSON.stringify(t)).join(', ')}, got ${shown(tag)}`];
  }
  // Defaults inside a union are only filled when the whole value fits a variant; fill them here so
  // that a missing optional key is not reported next to the real problem.
  return collectIssues(variant, Value.Default(variant, Value.Clone(error.value)), pointer);
}

// TypeBox may report one key twice ("required" and "expected a string"): the first says it best.
function onePerPath(issues: string[]): string[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const path = issue.slice(0, issue.indexOf(': '));
    if (seen.has(path)) return false;
    seen.add(path);
    return true;
  });
}

function describe(error: ValueError): string {
  const schema = error.schema as Record<string, unknown> & TSchema;
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'required key is missing';
  if (typeof schema.expected === 'string') return `${schema.expected}, got ${shown(error.value)}`;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown key';
    case ValueErrorType.Object:
      return `expected an object, got ${shown(error.value)}`;
    case ValueErrorType.Array:
      return `expected an array, got ${shown(error.value)}`;
    case ValueErrorType.ArrayMinItems:
      return `expected at least ${String(schema.minItems)} item(s)`;
    case ValueErrorType.String:
      return `expected a string, got ${shown(error.value)}`;
    case ValueErrorType.StringMinLength:
      return 'must not be empty';
    case ValueErrorType.Boolean:
      return `expected true or false, got ${shown(error.value)}`;
    case ValueErrorType.Integer:
      return `expected an integer, got ${shown(error.value)}`;
    case ValueErrorType.Number:
      return `expected a number, got ${shown(error.value)}`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${String(schema.minimum)}, got ${shown(error.value)}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${String(schema.maximum)}, got ${shown(error.value)}`;
    case ValueErrorType.Literal:
      return `expected ${JSON.stringify(schema.const)}, got ${shown(error.value)}`;
    case ValueErrorType.Union: {
      const literals = (schema.anyOf as TSchema[] | undefined)?.filter((variant) => variant[Kind] === 'Literal');
      if (literals !== undefined && literals.length === (schema.anyOf as TSchema[]).length) {
        return `expected one of ${literals.map((literal) => JSON.stringify(literal.const)).join(', ')}, got ${shown(error.value)}`;
      }
      return `has an unexpected shape, got ${shown(error.value)}`;
    }
    default:
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}, got ${shown(error.value)}`;
  }
}

/** `/routes/0/limits/1/rate` (a JSON pointer) as `routes[0].limits[1].rate`. */
export function displayPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path === '' ? '(top level)' : path;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
