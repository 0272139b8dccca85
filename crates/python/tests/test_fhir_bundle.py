"""The FHIR export validated by a maintained FHIR library: the bundle `records export --format
fhir` writes for a patient with a full series parses as an R4B Bundle with the `fhir.resources`
package (8.x), every entry as its own resource type. Skipped, not passed, when the package is
missing."""

import json
import os
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

fhir_bundle = pytest.importorskip("fhir.resources.R4B.bundle")

ROOT = Path(__file__).resolve().parents[3]


def binary():
    """The built binary (MICRONEEDLING_BIN, else the debug build), or cargo run."""
    given = os.environ.get("MICRONEEDLING_BIN")
    if given:
        return [given]
    built = ROOT / "target" / "debug" / "microneedling"
    if built.exists():
        return [str(built)]
    return ["cargo", "run", "--quiet", "-p", "microneedling-cli", "--"]


def days_ago(days):
    return (date.today() - timedelta(days=days)).isoformat()


def records(db, *args):
    run = subprocess.run(
        binary() + ["records", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"{args}: {run.stderr}"
    return run.stdout


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """P-1 with a full series: screening, plan, consent, two sessions with topicals, an adverse
    event, outcome scores (one amended) and a photo."""
    tmp = tmp_path_factory.mktemp("fhir")
    db = tmp / "records.db"
    example = str(ROOT / "examples" / "acne-scars.toml")
    records(db, "init")
    records(db, "patient", "add", "P-1", "--birth-year", "1992", "--sex", "female",
            "--fitzpatrick", "4")
    records(db, "screen", "P-1", example)
    with sqlite3.connect(db) as c:  # screenings are dated today: this one a month back
        c.execute("UPDATE screening SET screened_at = ?", (days_ago(30),))
    records(db, "plan", "P-1", example, "--date", days_ago(30))
    consent = tmp / "consent.txt"
    consent.write_text("I consent to microneedling. Version v1.")
    records(db, "consent", "P-1", "--version", "v1", "--text-file", str(consent),
            "--date", days_ago(30))
    records(db, "session", "add", "P-1", "--date", days_ago(28) + "T10:30", "--device",
            "skinpen", "--serial", "SP-1", "--lot", "CART-7", "--zone", "cheek:1.0:3",
            "--topical", "hyaluronic-acid:HA-1", "--endpoint", "erythema", "--operator", "Dr A",
            "--late-entry", "paper chart entered later")
    records(db, "session", "add", "P-1", "--date", days_ago(1) + "T09:00", "--device",
            "skinpen", "--serial", "SP-1", "--lot", "CART-8", "--zone", "cheek:1.0:3",
            "--zone", "forehead:0.5:2", "--endpoint", "pinpoint-bleeding", "--operator", "Dr A")
    records(db, "adverse-event", "add", "P-1", "--effect", "bruising", "--severity", "mild",
            "--onset", days_ago(1), "--session", "2", "--action", "ice")
    records(db, "outcome", "add", "P-1", "--scale", "goodman-baron", "--score", "2",
            "--assessor", "Dr B")
    records(db, "amend", "outcome", "1", "--set", "score=1.5", "--reason", "typo")
    # A real PNG of the repository stands in for a clinical photo.
    photo = str(ROOT / "docs" / "images" / "plan-report.png")
    records(db, "photo", "add", "P-1", photo, "--view", "front", "--zone", "cheek",
            "--photo-consent")
    return json.loads(records(db, "export", "--format", "fhir"))


def test_the_bundle_of_a_full_series_validates_as_r4b(bundle):
    parsed = fhir_bundle.Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = sorted({e.resource.get_resource_type() for e in parsed.entry})
    assert kinds == [
        "AdverseEvent", "CarePlan", "Consent", "Device", "DocumentReference", "Medication",
        "MedicationAdministration", "Observation", "Patient", "Procedure", "Provenance",
    ]
    procedures = [e.resource for e in parsed.entry if e.resource.get_resource_type() == "Procedure"]
    assert [p.bodySite[0].coding[0].code for p in procedures] == ["36141000", "36141000"]
    assert procedures[1].bodySite[1].coding[0].code == "68698007"


def test_the_validator_refuses_what_r4b_does_not_allow(bundle):
    """The check can fail: a Procedure without its subject, or with a bad date, is refused."""
    broken = json.loads(json.dumps(bundle))
    procedure = next(e["resource"] for e in broken["entry"]
                     if e["resource"]["resourceType"] == "Procedure")
    del procedure["subject"]
    with pytest.raises(ValueError, match="subject"):
        fhir_bundle.Bundle.model_validate(broken)
    procedure["subject"] = {"reference": broken["entry"][0]["fullUrl"]}
    procedure["performedDateTime"] = "yesterday"
    with pytest.raises(ValueError, match="performedDateTime"):
        fhir_bundle.Bundle.model_validate(broken)
