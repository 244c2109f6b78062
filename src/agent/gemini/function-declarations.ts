import type { FunctionDeclaration, Schema } from '@google/genai';
import type { ToolDeclaration } from '../types.js';

/**
 * MCP tools declare JSON Schema (draft 2020-12, from zod); Gemini's function declarations take an
 * OpenAPI-style subset and reject the rest ($schema, const, additionalProperties, type arrays…).
 * This keeps what Gemini understands and rewrites what it can express another way.
 */

type JsonSchema = Record<string, unknown>;

const GEMINI_TYPES: Record<string, string> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** Kept as they are: Gemini's Schema has the same field with the same meaning. */
const COPIED_FIELDS = [
  'description',
  'format',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
] as const;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function appendToDescription(schema: Schema, sentence: string): Schema {
  return { ...schema, description: schema.description ? `${schema.description} (${sentence})` : sentence };
}

/** `anyOf: [{const: 1}, {const: 2}]` — zod's literal unions — as one typed schema. */
function constUnion(branches: JsonSchema[]): Schema | undefined {
  if (!branches.every((branch) => 'const' in branch)) return undefined;
  const values = branches.map((branch) => branch.const);
  if (values.every((value) => typeof value === 'string')) return { type: 'STRING' as Schema['type'], enum: values };
  if (values.every((value) => typeof value === 'number')) {
    const numbers = values as number[];
    const type = numbers.every(Number.isInteger) ? 'INTEGER' : 'NUMBER';
    // Gemini's enum is for strings only, so numeric choices become a range plus a description.
    return {
      type: type as Schema['type'],
      minimum: Math.min(...numbers),
      maximum: Math.max(...numbers),
      description: `one of ${numbers.join(', ')}`,
    };
  }
  return undefined;
}

export function toGeminiSchema(schema: JsonSchema): Schema {
  const result: Schema = {};
  for (const field of COPIED_FIELDS) {
    const value = schema[field];
    // zod writes Number.MAX_SAFE_INTEGER as the bound of an unbounded int: noise for the model.
    if (value !== undefined && value !== Number.MAX_SAFE_INTEGER && value !== -Number.MAX_SAFE_INTEGER) {
      (result as Record<string, unknown>)[field] = value;
    }
  }

  let types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  if (types.includes('null')) {
    result.nullable = true;
    types = types.filter((type) => type !== 'null');
  }
  if (types[0] && GEMINI_TYPES[types[0]]) result.type = GEMINI_TYPES[types[0]] as Schema['type'];
  if ('const' in schema && typeof schema.const === 'string') {
    result.type = 'STRING' as Schema['type'];
    result.enum = [schema.const];
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter((value) => value !== null);
    if (schema.enum.includes(null)) result.nullable = true;
    if (values.every((value) => typeof value === 'string')) {
      result.type = 'STRING' as Schema['type'];
      result.enum = values as string[];
    }
  }

  if (isSchema(schema.properties)) {
    result.properties = Object.fromEntries(
      Object.entries(schema.properties)
        .filter(([, value]) => isSchema(value))
        .map(([name, value]) => [name, toGeminiSchema(value as JsonSchema)]),
    );
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const known = required.filter((name) => name in (result.properties ?? {}));
    if (known.length) result.required = known;
    result.type ??= 'OBJECT' as Schema['type'];
  }
  if (isSchema(schema.items)) result.items = toGeminiSchema(schema.items);

  const union = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema) : [];
  if (union.length) {
    const nonNull = union.filter((branch) => branch.type !== 'null');
    if (nonNull.length < union.length) result.nullable = true;
    const merged = constUnion(nonNull) ?? (nonNull.length === 1 ? toGeminiSchema(nonNull[0] as JsonSchema) : undefined);
    if (merged) {
      const { description, ...rest } = merged;
      Object.assign(result, rest);
      if (description) Object.assign(result, appendToDescription(result, description));
    } else {
      result.anyOf = nonNull.map(toGeminiSchema);
    }
  }
  return result;
}

/** Gemini function names: a letter or underscore first, then letters, digits, _ . : -, at most 64. */
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

function geminiName(name: string, taken: Set<string>): string {
  let candidate = name.replace(/[^A-Za-z0-9_.:-]/g, '_');
  if (!/^[A-Za-z_]/.test(candidate)) candidate = `_${candidate}`;
  candidate = candidate.slice(0, 64);
  for (let n = 2; taken.has(candidate); n++) candidate = `${candidate.slice(0, 60)}_${n}`;
  return candidate;
}

export interface GeminiToolSet {
  declarations: FunctionDeclaration[];
  /** The MCP tool behind a name Gemini uses; undefined for a name it made up. */
  mcpName(geminiName: string): string | undefined;
  geminiName(mcpName: string): string;
}

export function toGeminiTools(tools: ToolDeclaration[]): GeminiToolSet {
  const toMcp = new Map<string, string>();
  const toGemini = new Map<string, string>();
  for (const tool of tools) {
    const name =
      VALID_NAME.test(tool.name) && !toMcp.has(tool.name) ? tool.name : geminiName(tool.name, new Set(toMcp.keys()));
    toMcp.set(name, tool.name);
    toGemini.set(tool.name, name);
  }
  return {
    declarations: tools.map((tool) => ({
      name: toGemini.get(tool.name),
      description: tool.description,
      parameters: toGeminiSchema(tool.inputSchema),
    })),
    mcpName: (name) => toMcp.get(name),
    geminiName: (name) => toGemini.get(name) ?? name,
  };
}
