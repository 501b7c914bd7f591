// The service layer lives in ./service/ (one file per part); this path stays for its importers.
export { ServiceStack, type ServiceStackProps } from './service/index.ts';
