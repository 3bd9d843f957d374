"""The rules of the domain, as plain functions called by the REST and Socket.IO layers."""
