import { describe, expect, it } from 'vitest';
import { CONTAINER_VARIABLES, isReservedVariable, userVariableNames } from './index.ts';

describe('container variables', () => {
  it('reserves the database secret ARN the service stack sets with rotation', () => {
    expect(CONTAINER_VARIABLES.DB_SECRET_ARN).toBe('DB_SECRET_ARN');
    expect(isReservedVariable('DB_SECRET_ARN')).toBe(true);
  });

  it('reserves what the service reads but Slipway does not set, and leaves other names to the user', () => {
    expect(isReservedVariable('DATABASE_URL')).toBe(true);
    expect(isReservedVariable('FEATURE_FLAGS')).toBe(false);
  });

  it("lists the user's plain and secret names", () => {
    expect(userVariableNames({ environment: { A: '1' }, secrets: { B: {} } })).toEqual(['A', 'B']);
  });
});
