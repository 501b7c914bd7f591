export { type PgAdminDatabase, PgAdminService, type PgAdminServiceProps } from './pgadmin-service.ts';
