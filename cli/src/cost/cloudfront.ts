import { isEstimate } from '../pricing/index.ts';
import { type Pricer, usd } from './context.ts';

/** The CloudFront distribution's data out and HTTPS requests, from the assumptions. */
// CloudFront's always-free tier (1 TB and 10 million requests a month) is per bill, like the free
// dashboards: under consolidated billing every account of the organization shares it, so the list
// price is charged here and the free tier is named in the detail.
export const distribution: Pricer = (distributions, ctx) => {
  const { prices } = ctx.prices;
  const n = distributions.length;
  const gib = n * ctx.assumptions.cloudFrontGiBMonth;
  const requests = n * ctx.assumptions.cloudFrontMillionRequestsMonth;
  ctx.add({
    item: `CloudFront data out (${gib} GiB)`,
    resourceType: 'AWS::CloudFront::Distribution',
    detail: `${gib} GiB × ${usd(prices.cloudFrontGbOut)}/GB (the free tier's 1 TB a month is per bill: not applied)`,
    monthly: gib * prices.cloudFrontGbOut,
    estimatedPrice: isEstimate(ctx.prices, 'cloudFrontGbOut'),
    assumption: 'cloudFrontGiBMonth',
  });
  ctx.add({
    item: `CloudFront HTTPS requests (${requests} million)`,
    resourceType: 'AWS::CloudFront::Distribution',
    detail: `${requests} M × ${usd(prices.cloudFrontMillionHttpsRequests)}/M (the free tier's 10 M a month is per bill: not applied)`,
    monthly: requests * prices.cloudFrontMillionHttpsRequests,
    estimatedPrice: isEstimate(ctx.prices, 'cloudFrontMillionHttpsRequests'),
    assumption: 'cloudFrontMillionRequestsMonth',
  });
};
