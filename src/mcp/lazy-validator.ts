import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

/**
 * The SDK client compiles an Ajv validator for every tool's output schema as soon as it lists the
 * tools: measured at 150–250 ms for itbot's eighteen, on the path of every `itbot ask`, which calls
 * two or three tools. This compiles each tool's validator the first time that tool answers.
 */
export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private readonly ajv = new AjvJsonSchemaValidator();

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    let compiled: JsonSchemaValidator<T> | undefined;
    return (input) => {
      compiled ??= this.ajv.getValidator<T>(schema);
      return compiled(input);
    };
  }
}
