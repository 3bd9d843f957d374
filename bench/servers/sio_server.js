'use strict';
// Reference D: Node socket.io 4 with Papo's events and message shape, no database.
// A connection needs a non-empty auth.token; `send_message` {message, room?, client_id?} is
// broadcast to the room as `receive_message` {id, room, author, message, ...}, then acked.
//   node sio_server.js PORT
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 5000);
const io = new Server({
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 65536,
});
const ROOM = 'room:1';
let lastId = 0;

io.use((socket, next) => {
  const token = socket.handshake.auth && socket.handshake.auth.token;
  if (typeof token !== 'string' || !token) return next(new Error('token_missing'));
  socket.data.author = { id: 0, username: 'bench', name: 'Bench' };
  return next();
});

io.on('connection', (socket) => {
  socket.join(ROOM);
  socket.on('send_message', (data, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const text = data && typeof data.message === 'string' ? data.message.trim() : '';
    if (!text || text.length > 4000) {
      reply({ ok: false, error: { code: 'validation_error', message: 'Bad message.' } });
      return;
    }
    lastId += 1;
    const message = {
      id: lastId, room: 1, room_name: 'general', seq: lastId, author: socket.data.author,
      message: text, created_at: new Date().toISOString(), edited_at: null, deleted: false,
      client_id: typeof data.client_id === 'string' ? data.client_id : null,
    };
    io.to(ROOM).emit('receive_message', message);
    reply({ ok: true, duplicate: false, message });
  });
});

const server = http.createServer((_req, res) => res.end('socket.io reference'));
io.attach(server);
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
console.log(`socket.io reference on 127.0.0.1:${port}`);
