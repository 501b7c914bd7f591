import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';

/**
 * `GET /health`: liveness. Answers as long as the process serves HTTP; never touches the database,
 * so a database outage does not make ECS replace healthy tasks (that is what `/ready` is for).
 */
export default async function healthRoutes(app: AppInstance) {
  app.get(
    '/',
    {
      schema: {
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
}
