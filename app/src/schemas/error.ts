import { type Static, Type } from 'typebox';
import { type ErrorCode, errorCatalog, type ReadinessReason, readinessCatalog } from '../errors.ts';

/** The one shape of every error response: `{ error: { code, message, requestId, fields? } }`. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.Unsafe<ErrorCode>({ type: 'string', enum: Object.keys(errorCatalog) }),
        message: Type.String(),
        requestId: Type.String(),
        fields: Type.Optional(
          Type.Array(
            Type.Object({ field: Type.String(), message: Type.String() }, { additionalProperties: false }),
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Error responses any route can send (client errors, database down, draining, bugs). */
export const commonErrorResponses = {
  400: ErrorResponse,
  404: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
  500: ErrorResponse,
  503: ErrorResponse,
} as const;

export const ReadyResponse = Type.Object(
  { status: Type.Literal('ready'), migrations: Type.Integer() },
  { additionalProperties: false },
);

export const NotReadyResponse = Type.Object(
  {
    status: Type.Literal('not_ready'),
    reason: Type.Unsafe<ReadinessReason>({ type: 'string', enum: Object.keys(readinessCatalog) }),
    message: Type.String(),
  },
  { additionalProperties: false },
);
