"""Summarises run.sh's JUnit files: counts, and results.txt with one `STATUS test-id first-error-line` a test.

Where the test's output or traceback shows the first thing the gateway lacked, the line starts with it in
brackets: `[missing POST /key/generate]` (the gateway's 404 for an unknown URL, or a 404 from the URL the
failing helper called), `[missing header x-litellm-…]` (a KeyError on a response header), `[/path asks for a key (401)]`.

python summarize.py OUT_DIR SECONDS PHASE...   (OUT_DIR/PHASE/junit.xml for each phase)
"""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def first_line(text: str) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line[:240]
    return ""


UNKNOWN_URL = re.compile(r"Unknown request URL: (\w+ [^\s\"']+?)\.?[\"']")
NOT_FOUND_URL = re.compile(r"404 Client Error: Not Found for url: http://[^/\s]+(/[^\s\"?]*)")
NO_KEY_401 = re.compile(r"No API key passed in")
HEADER = re.compile(r"KeyError: '(x-[\w-]+)'")
HELPER_URL = re.compile(
    r"(?:url = f?\"http://(?:0\.0\.0\.0|localhost|127\.0\.0\.1):4000|client\.(?:post|get)\(\s*f?\")(/[^\"?{]*)"
)
STATUS_404 = re.compile(r"\b404\b")


def cause(text: str) -> str:
    found = UNKNOWN_URL.search(text)
    if found:
        return f"[missing {found.group(1)}] "
    found = NOT_FOUND_URL.search(text)
    if found:
        return f"[missing {found.group(1)}] "
    found = HEADER.search(text)
    if found:
        return f"[missing header {found.group(1)}] "
    error_at = text.find("\nE ")
    urls = HELPER_URL.findall(text[: error_at if error_at >= 0 else len(text)])
    if urls and STATUS_404.search(text[error_at:] if error_at >= 0 else text):
        return f"[missing {urls[-1]} (404)] "
    urls = re.findall(r":4000(/[\w/.-]*)", text)
    if urls and NO_KEY_401.search(text):
        return f"[{urls[-1]} asks for a key (401)] "
    return ""


def test_id(case: ET.Element) -> str:
    file = case.get("file")
    if not file:
        file = case.get("classname", "").replace(".", "/") + ".py"
    return f"{file}::{case.get('name')}"


def main() -> None:
    out, seconds, phases = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    rows = []
    for phase in phases:
        junit = out / phase / "junit.xml"
        if not junit.exists():
            rows.append(("ERROR", f"[{phase}]", "no junit.xml: see " + str(out / phase / "pytest.log")))
            continue
        for case in ET.parse(junit).getroot().iter("testcase"):
            status, detail = "PASS", ""
            for tag, name in (("failure", "FAIL"), ("error", "ERROR"), ("skipped", "SKIP")):
                node = case.find(tag)
                if node is not None:
                    status = name
                    detail = first_line(node.get("message", "")) or first_line(node.text or "")
                    if name != "SKIP":
                        output = "".join((c.text or "") for c in case if c.tag in ("system-out", "system-err"))
                        detail = cause((node.text or "") + "\n" + output) + detail
                    break
            rows.append((status, test_id(case), detail))

    (out / "results.txt").write_text("".join(f"{s} {t} {d}".rstrip() + "\n" for s, t, d in rows))
    count = {k: sum(1 for r in rows if r[0] == k) for k in ("PASS", "FAIL", "ERROR", "SKIP")}
    total = len(rows)
    print(f"LiteLLM suite against Tollgate ({seconds} s): {count['PASS']} of {total} passed")
    print(f"{count['PASS']} passed, {count['FAIL']} failed, {count['ERROR']} errored, {count['SKIP']} skipped")
    print(f"results: {out / 'results.txt'}; JUnit: " + ", ".join(str(out / p / "junit.xml") for p in phases))


if __name__ == "__main__":
    main()
