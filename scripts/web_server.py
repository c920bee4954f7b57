"""Serves a folder on 127.0.0.1 for scripts/test-web.sh, and takes the page's
reports: a POST to /report/NAME (the page's DOM, sent when it has finished)
is written to OUT/NAME.html. The chosen port is written to PORT_FILE.

usage: web_server.py SITE OUT PORT_FILE
"""

import functools
import http.server
import os
import re
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    out = "."

    def do_POST(self):
        name = re.fullmatch(r"/report/([A-Za-z0-9_-]+)", self.path)
        if not name:
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = os.path.join(self.out, name.group(1) + ".html")
        with open(path + ".part", "wb") as f:
            f.write(body)
        os.replace(path + ".part", path)  # whole or not at all
        self.send_response(204)
        self.end_headers()


def main():
    site, out, port_file = sys.argv[1:4]
    Handler.out = out
    handler = functools.partial(Handler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(port_file + ".part", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".part", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
