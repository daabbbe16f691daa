// Configuration of jwt-pizza-service, read from the environment when the app starts (no secret in the image).
// Copy this file to src/config.js of the jwt-pizza-service repository before building its image.
//
// Required: JWT_SECRET; the process stops at start with a message naming it when it is missing, so that a
//   misconfigured deployment fails (and ECS's circuit breaker rolls it back) instead of signing tokens with
//   an empty secret.
// Optional: the database and factory settings.  Without a reachable database the service still starts and
//   answers GET / and GET /api/docs (the load balancer's health check); the failed database set-up is only
//   logged, as in the application.
'use strict';

function required(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`jwt-pizza-service config: environment variable ${name} is required but not set`);
  }
  return value;
}

function optional(name, fallback) {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

function integer(name, fallback) {
  const value = optional(name, undefined);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    throw new Error(`jwt-pizza-service config: environment variable ${name} must be a whole number of milliseconds, got "${value}"`);
  }
  return Number(value);
}

module.exports = {
  jwtSecret: required('JWT_SECRET'),
  db: {
    connection: {
      host: optional('DB_HOST', undefined),
      user: optional('DB_USER', undefined),
      password: optional('DB_PASSWORD', undefined),
      database: optional('DB_NAME', 'pizza'),
      connectTimeout: integer('DB_CONNECT_TIMEOUT', 60000),
    },
    listPerPage: 10,
  },
  factory: {
    url: optional('FACTORY_URL', undefined),
    apiKey: optional('FACTORY_API_KEY', undefined),
  },
};
