"""The Nu HTML Checker (npm vnu-jar, run with Java) over saved HTML files, in
one Java start-up for all of them."""

import json
import shutil
import subprocess
from pathlib import Path

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"


def missing_reason():
    if shutil.which("java") is None:
        return "Java not found: the Nu HTML Checker needs it (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"{VNU_JAR.name} not found: run `npm ci --ignore-scripts` (make test does)"
    return None


def check_files(paths):
    """{file name: [message, ...]} for every file, messages as vnu reports them."""
    result = subprocess.run(  # noqa: S603 (fixed command, our own files)
        [
            shutil.which("java"),
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    messages = {Path(path).name: [] for path in paths}
    for message in report["messages"]:
        name = message.get("url", "").rsplit("/", 1)[-1]
        messages.setdefault(name, []).append(message)
    return messages


def describe(message):
    where = f"line {message.get('lastLine', '?')}"
    extract = message.get("extract", "").strip().replace("\n", " ")[:120]
    return f"{message['type']}/{message.get('subType', '')} at {where}: {message['message']}  [{extract}]"
