import { Type } from 'typebox';
import type { AppInstance } from '../../../app.ts';
import { AppError } from '../../../errors.ts';
import { commonErrorResponses } from '../../../schemas/error.ts';
import {
  CreateItemBody,
  Item,
  ItemList,
  ItemParams,
  LIST_LIMIT_DEFAULT,
  ListQuerystring,
  ProcessAccepted,
  UpdateItemBody,
} from '../../../schemas/item.ts';

/**
 * `/api/items`: a small persisted JSON API.
 *
 * | method | path | success |
 * |---|---|---|
 * | POST | /api/items | 201 + `location` |
 * | GET | /api/items?limit=&cursor= | 200 `{ items, nextCursor }` (newest first) |
 * | GET | /api/items/:id | 200 |
 * | PATCH | /api/items/:id | 200 (only the fields sent change) |
 * | DELETE | /api/items/:id | 204 |
 * | POST | /api/items/:id/process | 202 `{ itemId, messageId }`: queued for the worker |
 *
 * A malformed id is a 400 VALIDATION_FAILED (`params.id`); a well-formed unknown id is 404 ITEM_NOT_FOUND.
 * Without a worker queue (WORKER_QUEUE_URL unset), `process` is 503 QUEUE_NOT_CONFIGURED.
 */
export default async function itemsRoutes(app: AppInstance) {
  const items = app.itemsRepository;

  app.post(
    '/',
    { schema: { body: CreateItemBody, response: { 201: Item, ...commonErrorResponses } } },
    async (request, reply) => {
      const item = await items.create(request.body);
      return reply.code(201).header('location', `/api/items/${item.id}`).send(item);
    },
  );

  app.get(
    '/',
    {
      schema: {
        querystring: ListQuerystring,
        response: { 200: ItemList, ...commonErrorResponses },
      },
    },
    async (request) => {
      const { limit = LIST_LIMIT_DEFAULT, cursor } = request.query;
      return items.list({ limit, ...(cursor === undefined ? {} : { cursor }) });
    },
  );

  app.get(
    '/:id',
    { schema: { params: ItemParams, response: { 200: Item, ...commonErrorResponses } } },
    async (request) => {
      const item = await items.get(request.params.id);
      if (!item) throw new AppError('ITEM_NOT_FOUND');
      return item;
    },
  );

  app.patch(
    '/:id',
    {
      schema: { params: ItemParams, body: UpdateItemBody, response: { 200: Item, ...commonErrorResponses } },
    },
    async (request) => {
      const item = await items.update(request.params.id, request.body);
      if (!item) throw new AppError('ITEM_NOT_FOUND');
      return item;
    },
  );

  app.delete(
    '/:id',
    { schema: { params: ItemParams, response: { 204: Type.Null(), ...commonErrorResponses } } },
    async (request, reply) => {
      if (!(await items.delete(request.params.id))) throw new AppError('ITEM_NOT_FOUND');
      return reply.code(204).send(null);
    },
  );

  // No body, like DELETE: the path says everything. The item must exist now (404 otherwise); the
  // worker copes with it being deleted before the message is handled.
  app.post(
    '/:id/process',
    { schema: { params: ItemParams, response: { 202: ProcessAccepted, ...commonErrorResponses } } },
    async (request, reply) => {
      if (!app.workQueue.configured) throw new AppError('QUEUE_NOT_CONFIGURED');
      const { id } = request.params;
      if (!(await items.get(id))) throw new AppError('ITEM_NOT_FOUND');
      const messageId = await app.workQueue.send({ itemId: id, action: 'process' }, request.id, request.log);
      return reply.code(202).send({ itemId: id, messageId });
    },
  );
}
