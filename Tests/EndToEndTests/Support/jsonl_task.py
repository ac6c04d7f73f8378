"""A `protocol: jsonl` task for JobsJSONLinesEndToEndTests: each payload's `mode` makes it answer,
crash on its first attempt, hang, print garbage or raise; results carry the process id so the
test sees which process ran a job."""
import json, os, sys, time

def handle(payload, attempt):
    mode = payload.get("mode")
    if mode == "crash" and attempt == 1:
        os._exit(3)
    if mode == "hang":
        time.sleep(60)
    if mode == "garbage":
        sys.stdout.write("not json at all\n"); sys.stdout.flush(); return None
    if mode == "fail":
        print("about to fail", file=sys.stderr, flush=True)
        raise ValueError("bad payload")
    if mode == "sleep":
        time.sleep(600)
    print("working on", payload, file=sys.stderr)
    return {"n": payload.get("n"), "pid": os.getpid()}

for line in sys.stdin:
    job = json.loads(line)
    try:
        reply = {"result": handle(job["payload"], job["attempt"])}
    except Exception as error:
        reply = {"error": f"{type(error).__name__}: {error}"}
    if reply.get("result", 1) is None and job["payload"].get("mode") == "garbage":
        continue
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
