"""python_tls_pair.py: one TLS 1.3 and one TLS 1.2 connection between two
in-process peers of Python's ssl module (memory BIOs, no sockets). Python
loads libssl and libcrypto with dlopen, after a preloaded shim has started:
tests/openssl_preload_programs_test.sh runs it to check that the shim still
wraps every call there and says that OpenSSL's heap is not covered.

Usage: python3 python_tls_pair.py CERT.pem KEY.pem
"""
import ssl
import sys


def connect(server_ctx, client_ctx, version):
    client_ctx.minimum_version = client_ctx.maximum_version = version
    to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    server_out, client_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    server = server_ctx.wrap_bio(to_server, server_out, server_side=True)
    client = client_ctx.wrap_bio(to_client, client_out,
                                 server_hostname="secretmode.test")

    def pump():
        to_server.write(client_out.read())
        to_client.write(server_out.read())

    done = {client: False, server: False}
    for _ in range(20):
        for peer in (client, server):
            if not done[peer]:
                try:
                    peer.do_handshake()
                    done[peer] = True
                except ssl.SSLWantReadError:
                    pass
            pump()
        if all(done.values()):
            break
    client.write(b"ping")
    pump()
    assert server.read(4) == b"ping"
    server.write(b"pong")
    pump()
    assert client.read(4) == b"pong"
    print(client.version(), client.cipher()[0], "ok")


def main():
    cert, key = sys.argv[1], sys.argv[2]
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.load_verify_locations(cert)
    for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        connect(server_ctx, client_ctx, version)


if __name__ == "__main__":
    main()
