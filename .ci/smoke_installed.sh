#!/usr/bin/env bash
# Exercise an installed CyberDrill as a new user would, from a folder outside the checkout.
#   .ci/smoke_installed.sh VENV WORKDIR
# Every dependency gets used: click (--help, completion), pydantic and PyYAML (validate),
# SimPy and networkx (run, network export), cryptography (a signed journal, verified),
# Rich (tables), Textual (the UI under a pseudo-terminal), platformdirs (default folders).
set -euo pipefail
venv=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
bin="$venv/bin"
mkdir -p "$work"
cd "$work"
export HOME="$work"  # platformdirs' journal folder lands here, not in the user's home

"$bin/cyberdrill" --version
"$bin/cyberdrill" --help > help.txt
grep -q "scenarios" help.txt
"$bin/cyberdrill" scenarios --lang en > scenarios.txt
grep -q "ransomware-weekend-night" scenarios.txt
"$bin/cyberdrill" validate ransomware-weekend-night ch-reference offline-backups textbook
"$bin/cyberdrill" run ransomware-weekend-night --json > run.json
"$bin/python" - <<'EOF'
import json
data = json.load(open("run.json"))
assert data["scenario"] == "ransomware-weekend-night", data["scenario"]
assert "format_version" not in data or isinstance(data["format_version"], int)
print(f"run --json: {data['events']} events, EHR down {data['kpis']['ehr_downtime_minutes']:.0f} min")
EOF
"$bin/cyberdrill" keys generate --out keys > /dev/null
"$bin/cyberdrill" run beginner-teleservices-ddos --policy textbook --log signed.jsonl --sign-key keys/journal-signing.key.pem > /dev/null
"$bin/cyberdrill" log verify signed.jsonl --pubkey keys/journal-signing.pub.pem
"$bin/cyberdrill" log replay signed.jsonl > /dev/null
"$bin/cyberdrill" network export ch-reference --format graphml -o ch.graphml
"$bin/python" -c "import networkx; g = networkx.read_graphml('ch.graphml'); assert g.number_of_nodes() > 100"
"$bin/python" "$here/smoke_ui.py" "$bin/cyberdrill" "$work/ui"
echo "smoke: installed cyberdrill works from $work"
