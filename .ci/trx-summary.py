"""Prints `N passed, N failed, N skipped` summed over every TRX file under the given folder."""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
counts = {"passed": 0, "failed": 0, "skipped": 0}
files = list(pathlib.Path(sys.argv[1]).rglob("*.trx"))
if not files:
    sys.exit(1)
for trx in files:
    for result in ET.parse(trx).getroot().iter(NS + "UnitTestResult"):
        outcome = result.get("outcome")
        if outcome == "Passed":
            counts["passed"] += 1
        elif outcome == "NotExecuted":
            counts["skipped"] += 1
        else:
            counts["failed"] += 1
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
