#!/usr/bin/env python3
"""A loopback stand-in for a model provider and a webhook receiver, for the llm- and
webhook-task tests. Speaks OpenAI's POST /v1/chat/completions and Anthropic's POST
/v1/messages; anything else is a webhook delivery.

    llm_provider.py SCRIPT LOG

SCRIPT is JSON: {"replies": [REPLY, ...], "default": REPLY}, replies used in order, then the
default; a REPLY is {"status": 200, "content": "answer text", "delay": 0.1, "headers": {}}.
Each request is appended to LOG as a JSON line: path, headers, body, start and end times
(time.time()), and how many requests were open when it started. The port is printed on stdout.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

script = json.load(open(sys.argv[1]))
log_path = sys.argv[2]
lock = threading.Lock()
replies = list(script.get("replies", []))
state = {"open": 0}


def next_reply():
    with lock:
        return replies.pop(0) if replies else script.get("default", {"status": 200, "content": "{}"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        start = time.time()
        with lock:
            state["open"] += 1
            open_now = state["open"]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        reply = next_reply()
        time.sleep(reply.get("delay", 0))
        status = reply.get("status", 200)
        content = reply.get("content", "")
        if self.path.endswith("/v1/chat/completions"):
            payload = {"choices": [{"message": {"role": "assistant", "content": content}}], "usage": {"prompt_tokens": 11, "completion_tokens": 7}}
        elif self.path.endswith("/v1/messages"):
            payload = {"content": [{"type": "text", "text": content}], "usage": {"input_tokens": 13, "output_tokens": 5}}
        else:
            payload = {"ok": status < 300}
        if status >= 300:
            payload = {"error": {"message": reply.get("message", "scripted failure")}}
        data = json.dumps(payload).encode()
        with lock:
            state["open"] -= 1
            with open(log_path, "a") as log:
                log.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body, "start": start,
                                      "end": time.time(), "open": open_now, "status": status}) + "\n")
        self.send_response(status)
        for name, value in reply.get("headers", {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


# socketserver's listen backlog is 5: more simultaneous connects than that wait a TCP
# retransmit (a second), which would look like a client's delay.
ThreadingHTTPServer.request_queue_size = 128
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
