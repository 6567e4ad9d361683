import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { readEdgeConfig } from '../src/modules/edge/config.js';

describe('the configuration', () => {
  it('takes every default from an empty environment', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 4000, poolSize: 10, loadRetentionDays: 30, embedMaxAge: 300, keyCacheSeconds: 30, demo: true, demoScale: 'national' });
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
    expect(config.edge).toEqual(readEdgeConfig({}));
    expect(config.edge.maxCost).toBe(10_000);
  });

  it('reads the edge settings with the others, through the same number parser', () => {
    const config = readConfig({ MAX_QUERY_COST: '500', TRUST_PROXY: ' 10.0.0.1 , ,10.0.0.2', CACHE: '0', PORT: '0', DEMO: '0', NODE_ENV: 'production' });
    expect(config.edge.maxCost).toBe(500);
    expect(config.edge.trustProxy).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(config.edge.cacheEnabled).toBe(false);
    expect(config.port).toBe(0);
    expect(config.demo).toBe(false);
    expect(config.production).toBe(true);
  });

  it('refuses bad values at once, naming every bad variable (and never a read URL, which may hold a password)', () => {
    const read = () =>
      readConfig({ PORT: '70000', DATABASE_POOL_SIZE: '0', MAX_QUERY_COST: 'lots', LOG_LEVEL: 'loud', DATABASE_READ_URLS: 'mysql://u:secret@h/db' });
    expect(read).toThrow(/PORT must be a whole number from 0 to 65535, got "70000"/);
    expect(read).toThrow(/DATABASE_POOL_SIZE must be a whole number above 0, got "0"/);
    expect(read).toThrow(/MAX_QUERY_COST must be a number from 0, got "lots"/);
    expect(read).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(read).toThrow(/DATABASE_READ_URLS must be comma-separated postgres:\/\/ connection strings/);
    expect(read).not.toThrow(/secret/);
  });
});
