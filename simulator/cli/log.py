"""`cyberdrill log verify` and `cyberdrill keys generate`: the auditor's proof that a journal is intact."""

from __future__ import annotations

import sys

import click

from simulator.cli import cli
from simulator.cli.output import fail, print_json
from simulator.journal.keys import generate_keypair, key_fingerprint, load_private_key, load_public_key
from simulator.journal.verify import VerifyResult, verify_journal
from simulator.model.diagnostics import InputError


@cli.group("log")
def log() -> None:
    """Exercise journals: verify them (tamper evidence, seal, signature)."""


@log.command("verify")
@click.argument("journal", metavar="LOG")
@click.option(
    "--pubkey", "pubkey_path", metavar="FILE", help="Check the seal's Ed25519 signature with this public key (PEM)."
)
@click.option(
    "--scenario",
    "scenario_path",
    metavar="FILE",
    help="Check this scenario file is the one the exercise ran (its SHA-256 is in the header).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print {file, ok, sealed, records, head, signature, error} as JSON."
)
def verify(journal: str, pubkey_path: str | None, scenario_path: str | None, as_json: bool) -> None:
    """Check a journal's hash chain, seal and (with --pubkey) signature.

    Exit 0 when intact and sealed, 1 when tampered, cut short or wrongly signed (the first bad
    line is named), 2 when LOG is not a journal or a key/scenario file cannot be used.
    """
    try:
        pubkey = load_public_key(pubkey_path) if pubkey_path else None
        result = verify_journal(journal, pubkey=pubkey, scenario_path=scenario_path)
    except InputError as exc:
        fail(exc)
    if as_json:
        print_json(_as_json(result))
    elif result.ok:
        click.echo(f"{journal}: intact, sealed, {result.records} records, head {result.head}")
        click.echo(_signature_line(result))
    else:
        diag = result.diagnostic()
        if diag is not None:
            click.echo(diag.format(), err=True)
    sys.exit(result.exit_code)


def _signature_line(result: VerifyResult) -> str:
    if result.signature_valid:
        return f"signature valid (key {result.key_fingerprint})"
    if result.signed:
        return f"signed (key {result.key_fingerprint}), signature not checked: pass --pubkey FILE to check it"
    return "not signed"


def _as_json(result: VerifyResult) -> dict:
    signature = None
    if result.signed:
        signature = {"key": result.key_fingerprint, "valid": result.signature_valid}
    error = None if result.ok else {"line": result.first_bad_line, "reason": result.reason, "kind": result.kind}
    return {
        "file": result.file,
        "ok": result.ok,
        "sealed": result.sealed,
        "records": result.records,
        "head": result.head,
        "signature": signature,
        "error": error,
    }


@cli.group("keys")
def keys() -> None:
    """Ed25519 keys that sign journal seals."""


@keys.command("generate")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder for the key pair (created if missing).")
def generate(out_dir: str) -> None:
    """Create a signing key pair: keep the private key secret, give auditors the public one."""
    try:
        private_path, public_path = generate_keypair(out_dir)
        fingerprint = key_fingerprint(load_private_key(private_path).public_key())
    except InputError as exc:
        fail(exc)
    click.echo(f"private key: {private_path} (mode 0600, keep it secret)")
    click.echo(f"public key:  {public_path}")
    click.echo(f"fingerprint: {fingerprint}")
