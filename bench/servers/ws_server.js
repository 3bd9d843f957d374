'use strict';
// Reference E: a raw `ws` server that re-sends every text frame to every open client.
// The near-limit of what one core can push through WebSockets from Node.
//   node ws_server.js PORT
const http = require('http');
const WebSocket = require('ws');

const port = Number(process.argv[2] || 5000);
const server = http.createServer((_req, res) => res.end('ws reference'));
const wss = new WebSocket.Server({ server, perMessageDeflate: false });

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    }
  });
});

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
console.log(`ws reference on 127.0.0.1:${port}`);
