"""A stand-in for a PostgreSQL 12 server: it speaks the startup half of the wire protocol
(SSL/GSS requests refused, authentication ok, the server's parameters, ready for query) so
that libpq connects and reports server_version 12.19, then answers every query with an error.

Usage: old_postgres_server.py  (prints the loopback port it listens on, serves until killed)
"""
import socket
import struct
import sys
import threading

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104


def message(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


def serve(client):
    with client:
        while True:
            header = client.recv(8, socket.MSG_WAITALL)
            if len(header) < 8:
                return
            length, code = struct.unpack("!II", header)
            rest = client.recv(length - 8, socket.MSG_WAITALL) if length > 8 else b""
            if code in (SSL_REQUEST, GSS_REQUEST):
                client.sendall(b"N")
                continue
            break
        parameters = {"server_version": "12.19", "server_encoding": "UTF8", "client_encoding": "UTF8",
                      "integer_datetimes": "on", "standard_conforming_strings": "on", "DateStyle": "ISO, YMD"}
        reply = message(b"R", struct.pack("!I", 0))
        for key, value in parameters.items():
            reply += message(b"S", key.encode() + b"\0" + value.encode() + b"\0")
        reply += message(b"K", struct.pack("!II", 4242, 1)) + message(b"Z", b"I")
        client.sendall(reply)
        while True:
            kind = client.recv(1)
            if not kind or kind == b"X":
                return
            length = struct.unpack("!I", client.recv(4, socket.MSG_WAITALL))[0]
            client.recv(length - 4, socket.MSG_WAITALL)
            error = b"SERROR\0C0A000\0Mthis stand-in answers no queries\0\0"
            client.sendall(message(b"E", error) + message(b"Z", b"I"))


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
