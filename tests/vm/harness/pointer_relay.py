"""The host's relay for the two-guest test: accepts two connections (guests reach it at
10.0.2.2:PORT), reads one line from each and sends each the other's line. Answering only once both
lines are in makes it a barrier too: each guest has allocated before either touches the other's
pointer.
"""
import socket
import threading


class PointerRelay:
    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.lines = []
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            peers = []
            for _ in range(2):
                connection, _ = self.listener.accept()
                line = b""
                while not line.endswith(b"\n"):
                    chunk = connection.recv(64)
                    if not chunk:
                        raise RuntimeError("a guest closed the relay connection before its line")
                    line += chunk
                peers.append(connection)
                self.lines.append(line)
            peers[0].sendall(self.lines[1])
            peers[1].sendall(self.lines[0])
            for peer in peers:
                peer.close()
        except (OSError, RuntimeError) as error:
            self.error = error
        finally:
            self.listener.close()
