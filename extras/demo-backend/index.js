// The demo backend: answers as jwt-pizza-service does before it has a database, with no dependencies.
// GET / -> the welcome JSON; GET /api/docs -> the endpoint list (the load balancer's health check path).
// Usage: node index.js [port]   (default 3000, as the real service: process.argv[2] || 3000)
'use strict';

const http = require('node:http');
const { version } = require('./version.json');

const port = Number(process.argv[2] || 3000);
const docs = {
  version,
  endpoints: [
    { method: 'GET', path: '/', description: 'Welcome message and version' },
    { method: 'GET', path: '/api/docs', description: 'This list' },
  ],
  config: { factory: process.env.FACTORY_URL || '', db: process.env.DB_HOST || '' },
};

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, { message: 'method not allowed' });
  } else if (path === '/') {
    send(res, 200, { message: 'welcome to JWT Pizza', version });
  } else if (path === '/api/docs') {
    send(res, 200, docs);
  } else {
    send(res, 404, { message: 'unknown endpoint' });
  }
});

server.listen(port, () => console.log(`Server started on port ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
