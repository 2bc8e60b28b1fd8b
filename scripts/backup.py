"""Encrypted backups of the Enlace database, and their restore.

    backup.py backup  [--out DIR]                       (make backup)
    backup.py restore FILE --target URL [--keys-from URL]   (make restore)

The dump is `pg_dump -Fc` without the rows of referrals_handoffkey: the wrapped data keys of
client handoffs never enter a backup, so shredding a handoff (deleting its key) makes it
unreadable in every backup ever taken, too. A restore copies keys, by id, only from a live key
store (`--keys-from`, the current database) for the handoffs that still have one there; every
other restored handoff stays sealed for good.

Before each dump the audit chain's head is appended to the anchor file outside the database
(`manage.py anchor_audit`, audit/anchor.py).

The dump is encrypted at rest, streamed: AES-256-GCM over 1 MiB chunks under BACKUP_KEY
(32 bytes, base64, from the environment or BACKUP_KEY_FILE), never written to disk in the clear.
Each chunk's nonce is a random per-file prefix and the chunk's number, and its associated data
says whether it is the last chunk, so a reordered, truncated or altered file fails to decrypt.
"""

import argparse
import base64
import binascii
import os
import struct
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT = Path(__file__).resolve().parent.parent
MAGIC = b"ENLACE-BACKUP-1\n"
CHUNK = 1 << 20
PREFIX_BYTES = 8
KEY_TABLE = "referrals_handoffkey"
KEYS_IN_USE = "SELECT key_id FROM referrals_contacthandoff WHERE key_id IS NOT NULL"
COPY_KEYS_OUT = (
    "COPY (SELECT id, wrapped_key, master_key_id, created_at FROM referrals_handoffkey "
    "WHERE id IN (%s)) TO STDOUT"
)
COPY_KEYS_IN = "COPY referrals_handoffkey (id, wrapped_key, master_key_id, created_at) FROM STDIN"
CUT_MISSING_KEYS = (
    "UPDATE referrals_contacthandoff SET key_id = NULL WHERE key_id IS NOT NULL "
    "AND key_id NOT IN (SELECT id FROM referrals_handoffkey)"
)


class BackupError(Exception):
    pass


def backup_key() -> bytes:
    file_name = os.environ.get("BACKUP_KEY_FILE")
    encoded = Path(file_name).read_text().strip() if file_name else os.environ.get("BACKUP_KEY")
    if not encoded:
        raise BackupError(
            "BACKUP_KEY is not set. Make one with: python -c 'import os,base64;"
            "print(base64.b64encode(os.urandom(32)).decode())' and keep it apart from the backups."
        )
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise BackupError("BACKUP_KEY must be base64.") from error
    if len(key) != 32:
        raise BackupError("BACKUP_KEY must decode to 32 bytes.")
    return key


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", index, last)


def encrypt_stream(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    prefix = os.urandom(PREFIX_BYTES)
    header = MAGIC + prefix
    target.write(header)
    cipher = AESGCM(key)
    index = 0
    current = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        nonce = prefix + struct.pack(">I", index)
        sealed = cipher.encrypt(nonce, current, _aad(header, index, last))
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        index += 1
        current = following


def decrypt_stream(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    header = source.read(len(MAGIC) + PREFIX_BYTES)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + PREFIX_BYTES:
        raise BackupError("not an Enlace backup file")
    prefix = header[len(MAGIC) :]
    cipher = AESGCM(key)
    index = 0
    length = source.read(4)
    while length:
        sealed = source.read(struct.unpack(">I", length)[0])
        following = source.read(4)
        nonce = prefix + struct.pack(">I", index)
        try:
            yield cipher.decrypt(nonce, sealed, _aad(header, index, not following))
        except InvalidTag as error:
            raise BackupError("the backup does not decrypt: wrong key, or altered") from error
        if not following:
            return
        index += 1
        length = following
    raise BackupError("the backup is truncated")


def _connection(url: str) -> tuple[list[str], dict[str, str]]:
    """psql-style arguments and environment for a postgis:// URL (the password goes in the
    environment, never on a command line other users can read)."""
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        args += ["-U", unquote(parts.username)]
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return args + ["-d", unquote(parts.path.lstrip("/"))], env


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        env_file = ROOT / ".env"
        for line in env_file.read_text().splitlines() if env_file.is_file() else []:
            if line.startswith("DATABASE_URL="):
                url = line.split("=", 1)[1].strip()
    if not url:
        raise BackupError("DATABASE_URL is not set")
    return url


def anchor_audit_head(url: str) -> str:
    """Append the audit chain's head to the anchor file (AUDIT_ANCHOR_DIR) before the dump, so
    that every backup has an anchor outside the database that names its newest event."""
    result = subprocess.run(  # noqa: S603  # nosec B603 — our own manage.py, no shell
        [sys.executable, str(ROOT / "manage.py"), "anchor_audit"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise BackupError(f"the audit chain's head could not be anchored: {result.stderr.strip()}")
    return result.stdout.strip()


def backup(out_dir: Path, url: str) -> Path:
    key = backup_key()
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = out_dir / f"enlace-{stamp}.dump.enc"
    partial = target.with_suffix(".partial")
    args, env = _connection(url)
    command = ["pg_dump", "-Fc", "--no-owner", f"--exclude-table-data={KEY_TABLE}", *args]
    # Argument lists, no shell; the URL comes from our own settings.
    dump = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)  # noqa: S603  # nosec B603
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            encrypt_stream(dump.stdout, file, key)
    finally:
        dump.stdout.close()
        returncode = dump.wait()
    if returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed ({returncode})")
    partial.rename(target)
    return target


def _pg_restore(file: Path, key: bytes, url: str, section: str) -> None:
    args, env = _connection(url)
    command = [
        "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
        f"--section={section}", *args,
    ]  # fmt: skip
    restore = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)  # noqa: S603  # nosec B603
    try:
        with file.open("rb") as source:
            for chunk in decrypt_stream(source, key):
                restore.stdin.write(chunk)
        restore.stdin.close()
    except BaseException:
        restore.kill()
        restore.wait()
        raise
    if restore.wait() != 0:
        raise BackupError(f"pg_restore ({section}) failed")


def _psql(url: str, statement: str, *, stdin: bytes | None = None) -> bytes:
    args, env = _connection(url)
    command = ["psql", "-v", "ON_ERROR_STOP=1", "-qAt", *args, "-c", statement]
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, input=stdin, capture_output=True, env=env, check=False
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.decode(errors="replace").strip())
    return result.stdout


def restore(file: Path, target: str, keys_from: str | None) -> None:
    """Restores into an empty database. The handoff table's key column points at keys the dump
    does not hold, so the foreign keys are made (post-data) only after the keys the live store
    still has were copied in and every other handoff was cut from its key."""
    key = backup_key()
    # Decrypt the whole file once first: a wrong key or an altered file stops here, before
    # anything is written to the target.
    with file.open("rb") as source:
        for _chunk in decrypt_stream(source, key):
            pass
    _pg_restore(file, key, target, "pre-data")
    _pg_restore(file, key, target, "data")
    if keys_from:
        wanted = _psql(target, KEYS_IN_USE).split()
        if wanted:
            ids = ",".join(f"'{uuid.UUID(value.decode())}'" for value in wanted)
            # Only parsed uuids are put into the statement.
            rows = _psql(keys_from, COPY_KEYS_OUT % ids)  # nosec B608
            _psql(target, COPY_KEYS_IN, stdin=rows)
    _psql(target, CUT_MISSING_KEYS)
    _pg_restore(file, key, target, "post-data")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write an encrypted dump")
    make.add_argument(
        "--out", type=Path, default=Path(os.environ.get("BACKUP_DIR", ROOT / "backups"))
    )
    back = commands.add_parser("restore", help="restore an encrypted dump into an empty database")
    back.add_argument("file", type=Path)
    back.add_argument("--target", required=True, help="postgis:// URL of an empty database")
    back.add_argument("--keys-from", help="postgis:// URL of the live database (the key store)")
    options = parser.parse_args(argv)
    try:
        if options.command == "backup":
            url = database_url()
            print(anchor_audit_head(url), file=sys.stderr)
            print(backup(options.out, url))
        else:
            restore(options.file, options.target, options.keys_from)
            print(f"restored {options.file.name}")
    except BackupError as error:
        print(f"backup: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
