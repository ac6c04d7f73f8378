#!/usr/bin/env python3
"""Drives a command through a real pseudo-terminal, for the interactive end-to-end tests.

    pty_session.py DIRECTORY STEPS_JSON COMMAND [ARGS...]

STEPS_JSON is a list of [expected, reply] or [expected, reply, delay]: wait until `expected`
appears in the output, wait `delay` seconds more if given, then type `reply` (the string "^C"
sends Ctrl-C). Prints a JSON object: the whole output, the exit
status, and whether the terminal has echo on again at the end.
"""
import json
import os
import pty
import select
import sys
import termios
import time

directory, steps, command = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    os.chdir(directory)
    os.execvp(command[0], command)

output = b""
cursor = 0  # where the next expected text is looked for: after the previous match


def read_until(text, timeout=20.0):
    global output, cursor
    deadline = time.time() + timeout
    while text.encode() not in output[cursor:]:
        remaining = deadline - time.time()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([master], [], [], remaining)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            output += chunk
    cursor = output.index(text.encode(), cursor) + len(text.encode())
    return True

ok = True
for step in steps:
    expected, reply = step[0], step[1]
    if not read_until(expected):
        ok = False
        break
    if len(step) > 2:
        time.sleep(step[2])
    os.write(master, b"\x03" if reply == "^C" else reply.encode())

echo_on = None
while True:
    try:
        ready, _, _ = select.select([master], [], [], 5 if ok else 1)
        if not ready:
            break
        chunk = os.read(master, 4096)
        if not chunk:
            break
        output += chunk
    except OSError:
        break
try:
    echo_on = bool(termios.tcgetattr(master)[3] & termios.ECHO)
except termios.error:
    echo_on = None
finished, status = os.waitpid(pid, os.WNOHANG)
if finished == 0:
    # Still waiting for input the steps did not give: stop it rather than hang the test.
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
print(json.dumps({"output": output.decode(errors="replace"), "status": os.waitstatus_to_exitcode(status), "steps_ok": ok, "echo_on": echo_on}))
