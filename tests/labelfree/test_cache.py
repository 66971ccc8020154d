import json
import os
import signal
import subprocess
import sys
import threading
import time

from graphlabels.labelfree.cache import AnnotationCache, make_key, text_hash


def test_key_depends_on_every_part():
    base = make_key("m", "vanilla", {"t": 0.0}, "text")
    assert base == make_key("m", "vanilla", {"t": 0.0}, "text")
    assert (
        len(
            {
                base,
                make_key("m2", "vanilla", {"t": 0.0}, "text"),
                make_key("m", "topk", {"t": 0.0}, "text"),
                make_key("m", "vanilla", {"t": 0.7}, "text"),
                make_key("m", "vanilla", {"t": 0.0}, "text!"),
            }
        )
        == 5
    )
    assert text_hash("a") != text_hash("b")


def test_put_get_persist(tmp_path):
    path = tmp_path / "sub" / "c.sqlite"
    with AnnotationCache(path) as c:
        assert c.get("k") is None
        c.put("k", {"content": "é", "n": 1})
        c.put("k", {"content": "x", "n": 2})
        assert len(c) == 1 and "k" in c
    with AnnotationCache(path) as c:
        assert c.get("k") == {"content": "x", "n": 2}


def test_threads_share_one_cache(tmp_path):
    c = AnnotationCache(tmp_path / "c.sqlite")

    def work(t):
        for i in range(50):
            c.put(f"{t}-{i}", {"i": i})

    ts = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(c) == 200 and c.get("3-49") == {"i": 49}


WRITER = r"""
import sys
from graphlabels.labelfree.cache import AnnotationCache
c = AnnotationCache(sys.argv[1])
payload = "x" * 200_000
i = 0
while True:
    c.put(f"k{i}", {"i": i, "payload": payload, "end": "END"})
    i += 1
    if i == 5:
        print("ready", flush=True)
"""


def test_killed_writer_leaves_only_whole_entries(tmp_path):
    path = tmp_path / "c.sqlite"
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    p = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, env=env
    )
    try:
        assert p.stdout.readline().strip() == b"ready"
        time.sleep(0.3)
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    c = AnnotationCache(path)
    n = len(c)
    assert n >= 5
    rows = c._conn.execute("SELECT key, value FROM calls").fetchall()
    for key, value in rows:
        v = json.loads(value)
        assert (
            key == f"k{v['i']}" and v["end"] == "END" and len(v["payload"]) == 200_000
        )
    assert sorted(int(k[1:]) for k, _ in rows) == list(range(n))
