#!/usr/bin/env python3
"""Decode a MetaBackup encrypted backup (docs/file-format.md, version 1) with a 32-byte key.

Written from the specification alone, as a check that it is complete.
Usage: decode-backup.py FILE KEY_HEX > plaintext.json   (exit 1 with a message on any problem)
Needs the 'cryptography' package.
"""
import gzip
import hashlib
import hmac
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def fail(message):
    sys.stderr.write(f"refused: {message}\n")
    sys.exit(1)


def decode(data, key):
    if data[:8] != b"METABKUP":
        fail("not an encrypted backup")
    if len(data) < 33:
        fail("ends inside the header")
    if data[8] != 1:
        fail("unsupported version")
    compression, chunk, slots = data[9], int.from_bytes(data[12:16], "big"), data[32]
    if data[10:12] != b"\0\0" or compression > 2 or not 64 <= chunk <= 16 << 20 or not 1 <= slots <= 16:
        fail("bad header values")
    fixed, salt = data[:33], data[16:32]
    end = 33 + 76 * slots + 32
    if len(data) < end:
        fail("ends inside the header")
    fingerprint = hmac.new(key, b"metabackup key fingerprint v1", hashlib.sha256).digest()[:16]
    slot = next((data[o:o + 76] for o in range(33, 33 + 76 * slots, 76) if data[o:o + 16] == fingerprint), None)
    if slot is None:
        # §6.2: a slot that unwraps under this key although its fingerprint differs was altered.
        for o in range(33, 33 + 76 * slots, 76):
            try:
                AESGCM(hkdf(key, b"", b"metabackup v1 key wrap")).decrypt(data[o + 16:o + 28], data[o + 28:o + 76], fixed + fingerprint)
                fail("damaged header: a key slot's fingerprint was altered")
            except InvalidTag:
                pass
        fail("wrong key")
    try:
        file_key = AESGCM(hkdf(key, b"", b"metabackup v1 key wrap")).decrypt(slot[16:28], slot[28:76], fixed + fingerprint)
    except InvalidTag:
        fail("key slot does not authenticate")
    mac = hmac.new(hkdf(file_key, salt, b"metabackup v1 header"), data[:end - 32], hashlib.sha256).digest()
    if not hmac.compare_digest(mac, data[end - 32:end]):
        fail("header MAC")
    aead = AESGCM(hkdf(file_key, salt, b"metabackup v1 payload"))
    body, out, i, pos = data[end:], bytearray(), 0, 0
    if not body:
        fail("no body")
    while True:
        stored = body[pos:pos + chunk + 16]
        pos += len(stored)
        last = len(stored) < chunk + 16 or pos == len(body)
        if len(stored) < 16:
            fail("truncated")
        try:
            plain = aead.decrypt(i.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), stored, b"")
        except InvalidTag:
            fail("chunk does not authenticate (damaged, truncated or trailing data)")
        if last and not plain and i > 0:
            fail("empty final chunk")
        out += plain
        i += 1
        if last:
            break
    if compression == 1:
        return gzip.decompress(bytes(out))
    if compression == 2:
        import brotli  # only needed for brotli files
        return brotli.decompress(bytes(out))
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        fail("usage: decode-backup.py FILE KEY_HEX")
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    sys.stdout.buffer.write(decode(data, bytes.fromhex(sys.argv[2])))


if __name__ == "__main__":
    main()
