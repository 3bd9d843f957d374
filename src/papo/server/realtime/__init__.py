"""The real-time side: Socket.IO events, their payload checks, the hub of live connections,
the cross-process directory, presence, the WebSocket writer and the transport guards."""
