/**
 * The v2 inference request's JSON schema (ajv): validates the request header and gives its type.
 */
import { Ajv, type JSONSchemaType } from 'ajv';
import { badRequest } from '../errors.ts';

export type Parameters = Record<string, unknown>;

export interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Parameters;
  data?: unknown;
}

export interface RequestOutput {
  name: string;
  parameters?: Parameters;
}

export interface InferRequest {
  id?: string;
  parameters?: Parameters;
  inputs: RequestInput[];
  outputs?: RequestOutput[];
}

const parameters = { type: 'object', nullable: true, required: [] } as const;

const schema: JSONSchemaType<InferRequest> = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string', nullable: true },
    parameters,
    inputs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype'],
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
          datatype: { type: 'string' },
          parameters,
          data: {} as never,
        },
      },
    },
    outputs: {
      type: 'array',
      nullable: true,
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters } },
    },
  },
};

const ajv = new Ajv({ allErrors: false, strict: false });
const validate = ajv.compile(schema);

/** Checks a parsed request body against the v2 schema; throws 400 naming the offending field. */
export function checkInferRequest(body: unknown): InferRequest {
  if (validate(body)) return body;
  const e = validate.errors?.[0];
  const where = e?.instancePath ? `request${e.instancePath.replace(/\//g, '.')}` : 'request';
  throw badRequest(`invalid inference request: ${where} ${e?.message ?? 'is malformed'}${e?.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`);
}
