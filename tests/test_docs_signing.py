"""The README and the facilitator workflow say how to make the key `log verify --pubkey` takes
(issue 11 #14): the documented commands run as written and their files match."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
DOCS = [ROOT / "README.md", ROOT / "docs" / "facilitator-workflow.md"]


def test_the_documented_key_commands_work_as_written(run_cli, tmp_path):
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        generate = re.search(r"cyberdrill keys generate --out (\S+?)/?[`\s]", text)
        assert generate, f"{doc.name} does not say how to make a key"
        folder = generate.group(1)
        pubkey = re.search(r"--pubkey (\S+\.pem)", text)
        assert pubkey and pubkey.group(1).startswith(folder), f"{doc.name}: verify --pubkey names another file"
        assert "--sign-key" in text and "not signed" in text

        code, out, err = run_cli("keys", "generate", "--out", str(tmp_path / doc.stem / folder))
        assert code == 0, err
        private = re.search(r"(\S+\.key\.pem)", out).group(1)
        log = tmp_path / doc.stem / "ex.jsonl"
        code, _out, err = run_cli("run", str(MINI), "--until", "1h", "--log", str(log), "--sign-key", private)
        assert code == 0, err
        code, out, err = run_cli("log", "verify", str(log), "--pubkey", str(tmp_path / doc.stem / pubkey.group(1)))
        assert code == 0 and "signature valid" in out, (out, err)
