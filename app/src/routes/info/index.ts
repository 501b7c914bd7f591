import { type Static, Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { nullable } from '../../schemas/nullable.ts';

export const InfoResponse = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    /** The image's git sha (GIT_SHA); the deploy smoke test compares it with the sha it deployed. */
    commit: Type.String(),
    environment: Type.String(),
    region: nullable(Type.String()),
    uptimeSeconds: Type.Integer(),
    node: Type.String(),
  },
  { additionalProperties: false },
);
export type InfoResponse = Static<typeof InfoResponse>;

/** `GET /info`: what is running here. Field names are a contract with the deploy smoke test. */
export default async function infoRoutes(app: AppInstance) {
  app.get('/', { schema: { response: { 200: InfoResponse } } }, async () => {
    const { config } = app;
    return {
      name: config.name,
      version: config.version,
      commit: config.commit,
      environment: config.environment,
      region: config.region,
      uptimeSeconds: Math.floor(process.uptime()),
      node: process.version,
    };
  });
}
