export { EdgeCertificate, type EdgeCertificateProps } from './edge-certificate.ts';
export { EdgeDistribution, type EdgeDistributionProps, type EdgeDomain } from './edge-distribution.ts';
export { CLOUDFRONT_ORIGIN_FACING, CloudFrontOriginAccess } from './origin-access.ts';
