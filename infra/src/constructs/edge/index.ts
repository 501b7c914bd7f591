export { EdgeCertificate, type EdgeCertificateProps } from './edge-certificate.ts';
export { EdgeDistribution, type EdgeDistributionProps, type EdgeDomain } from './edge-distribution.ts';
export {
  HostedZoneLookup,
  type HostedZoneLookupProps,
  hostedZone,
  placeRecordInZone,
} from './hosted-zone.ts';
export { CLOUDFRONT_ORIGIN_FACING, CloudFrontOriginAccess } from './origin-access.ts';
