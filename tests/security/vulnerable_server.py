"""A deliberately injectable stand-in for GET /api/v1/users, used only to prove that
tests/security/sqlmap_check.sh notices an injection (a check that cannot fail proves nothing).

    python tests/security/vulnerable_server.py PORT

It listens on 127.0.0.1 only and builds its SQL by pasting `q` into the text, the bug that
parameterised queries in the real app prevent.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DB = sqlite3.connect(":memory:", check_same_thread=False)
DB.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
                 "INSERT INTO users (name) VALUES ('demo one'), ('demo two'), ('other');")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        url = urlparse(self.path)
        if url.path != "/api/v1/users":
            self.send_error(404)
            return
        q = parse_qs(url.query).get("q", [""])[0]
        try:
            rows = DB.execute(f"SELECT id, name FROM users WHERE name LIKE '%{q}%'").fetchall()
            body, status = json.dumps({"items": rows, "total": len(rows)}).encode(), 200
        except sqlite3.Error as exc:
            body, status = json.dumps({"error": str(exc)}).encode(), 500
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
