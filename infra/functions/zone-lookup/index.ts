/**
 * Lambda entry point of the hosted-zone lookup: the `onEvent` handler of a CDK custom-resource
 * provider that turns `domain.zone` given by name into the zone's id at deploy time (the
 * certificate's DNS validation takes only an id, and `plan` must not need credentials).
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { createHandler } from './handler.ts';

export const handler = createHandler({ route53: new Route53Client({}) });
