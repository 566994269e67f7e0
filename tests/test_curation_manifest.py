"""End to end (issue 22): a curator settles what the rules cannot. Real
files parsed by the real parser: a report that never writes its year, a
document with no title, no year and no opening (the rules cannot tell what
it is), a report that never names its unit, and a plain report. The
documents in doubt are listed by /api/v1/curation; a manifest.csv written
from that list settles them; `search-service index update` (the real
command) parses again the files whose rows changed, and only those, and the
documents then count as the curator said: in the default search, the year
facet, the stats per year, and no longer in the curation list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient

from search_service import create_app
from search_service.cli import main
from search_service.config import Settings
from search_service.indexing import BuildOptions, build_index
from tests.analysis.reports import report_text

# Our own sentences. Every document mentions 法律顾问, so a search of it
# counts every annual report.
NO_YEAR = "\n".join(
    (
        "青溪镇法治政府建设情况的报告",
        "",
        "今年以来，青溪镇坚持以习近平法治思想为指导，围绕依法行政目标开展各项工作，现将有关情况报告如下：",
        "",
        "一、主要举措和成效",
        "镇政府聘请法律顾问参与合同审查，综合行政执法队落实执法全过程记录制度。",
        "",
        "二、存在的不足和原因",
        "基层执法人员数量偏少，培训覆盖不够。",
        "",
        "三、下一步工作安排",
        "深化法律顾问制度，扩大合同审查范围。",
        "",
        "青溪镇人民政府",
    )
)
# No title, no year, no opening: it starts at its first part.
UNDECIDABLE = "\n".join(
    (
        "一、主要举措和成效",
        "聘请法律顾问参与合同审查，落实行政执法全过程记录制度，开展民法典宣传进村活动。",
        "",
        "二、存在的不足和原因",
        "执法人员数量偏少，培训覆盖不够。",
        "",
        "三、下一年度主要安排",
        "深化法律顾问制度，扩大合同审查范围。",
    )
)
NO_UNIT = "\n".join(
    (
        "2023年法治政府建设年度报告",
        "",
        "2023年，在上级党委政府的正确领导下，我们坚持以习近平法治思想为指导，围绕依法行政目标开展各项工作，"
        "现将有关情况报告如下：",
        "",
        "一、主要举措和成效",
        "聘请法律顾问参与合同审查，落实行政执法全过程记录制度。",
        "",
        "二、存在的不足和原因",
        "执法人员数量偏少，培训覆盖不够。",
        "",
        "三、下一年度主要安排",
        "深化法律顾问制度，扩大合同审查范围。",
    )
)
FILES = {
    "2023/吉水镇.txt": report_text("吉水镇", 2023, "2024-03-01", ("measures", "problems", "plans")),
    "青溪镇.txt": NO_YEAR,
    "收集/无标题.txt": UNDECIDABLE,
    "司法局.txt": NO_UNIT,
}
# What the curator finds in each text, for any field the list asks about.
TRUTH: dict[str, dict[str, object]] = {
    "青溪镇.txt": {
        "year": 2022,
        "unit": "青溪镇",
        "town": "青溪镇",
        "level": "township",
        "county": "廉江市",
        "city": "湛江市",
        "province": "广东省",
        "published": "2023-02-20",
    },
    "收集/无标题.txt": {
        "year": 2022,
        "unit": "石岭镇",
        "town": "石岭镇",
        "level": "township",
        "county": "廉江市",
        "city": "湛江市",
        "province": "广东省",
        "published": "2023-03-10",
    },
    "司法局.txt": {
        "year": 2023,
        "unit": "廉江市司法局",
        "level": "department",
        "county": "廉江市",
        "city": "湛江市",
        "province": "广东省",
        "published": "2024-03-05",
    },
}
# What each document is expected to be in doubt about (at least).
EXPECTED_DOUBTS = {"青溪镇.txt": "year", "收集/无标题.txt": "doc_type", "司法局.txt": "unit"}


def client_of(index_dir: Path, source: Path) -> FlaskClient:
    return create_app(Settings(index_dir=index_dir, source_dir=source)).test_client()


def counts(client: FlaskClient) -> dict[str, object]:
    """What the collection says now: annual reports mentioning 法律顾问 (the
    default doc_type), their year and unit facets, the stats per year."""
    search = client.get("/api/v1/search", query_string={"q": "法律顾问", "facet_size": 0}).get_json()
    return {
        "total": search["total"]["reports"],
        "years": {fv["value"]: fv["count"] for fv in search["facets"]["year"]},
        "units": {fv["value"] for fv in search["facets"]["unit"]},
        "per_year": client.get("/api/v1/stats").get_json()["per_year"],
    }


def test_a_manifest_written_from_the_curation_list_settles_every_doubt(tmp_path: Path) -> None:
    source = tmp_path / "src"
    for name, text in FILES.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text + "\n", "utf-8")
    index_dir = tmp_path / "index"
    build_index(source, index_dir, BuildOptions(jobs=1))

    client = client_of(index_dir, source)
    listed = client.get("/api/v1/curation", query_string={"per_page": 100}).get_json()
    items = {item["source"]: item for item in listed["items"]}
    assert set(items) == set(EXPECTED_DOUBTS), listed  # the plain report is not in doubt
    for name, field in EXPECTED_DOUBTS.items():
        assert field in {d["field"] for d in items[name]["doubts"]}, items[name]
        assert all(d["reason"] for d in items[name]["doubts"])
        assert client.get(items[name]["href"], headers={"Accept": "text/html"}).status_code == 200
    ruled = items["收集/无标题.txt"]["doc_type"]
    before = counts(client)

    # The curator reads each text and writes a row per document: the rules
    # could not tell what the undecidable one is, and the curator's answer is
    # the other one, whichever the rules chose.
    said = "other" if ruled == "annual_report" else "annual_report"
    rows: dict[str, dict[str, object]] = {}
    for name, item in items.items():
        rows[name] = {d["field"]: TRUTH[name][d["field"]] for d in item["doubts"] if d["field"] != "doc_type"}
    rows["收集/无标题.txt"].update(doc_type=said, year=2022, unit="石岭镇")
    rows["青溪镇.txt"]["year"] = 2022
    rows["司法局.txt"]["unit"] = "廉江市司法局"
    columns = ["file", *dict.fromkeys(field for row in rows.values() for field in row)]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for name, row in rows.items():
        writer.writerow({"file": name, **row})
    (source / "manifest.csv").write_text(out.getvalue(), "utf-8")

    summary_file = tmp_path / "update.json"
    result = CliRunner().invoke(
        main,
        [
            "index",
            "update",
            "--source",
            str(source),
            "--index",
            str(index_dir),
            "--jobs",
            "1",
            "--report",
            str(summary_file),
        ],
    )
    assert result.exit_code == 0, result.output
    files = json.loads(summary_file.read_text("utf-8"))["files"]
    # The update parses again the files whose manifest rows changed, and
    # keeps the plain report, which the manifest does not name, as it was.
    assert files["reused"] == 1 and files["indexed"] == len(FILES)

    client = client_of(index_dir, source)
    after = counts(client)
    annual = {"2023/吉水镇.txt": 2023, "青溪镇.txt": 2022, "司法局.txt": 2023}
    if said == "annual_report":
        annual["收集/无标题.txt"] = 2022
    assert after["total"] == len(annual) and after["total"] == before["total"] + (1 if said == "annual_report" else -1)
    years = {year: list(annual.values()).count(year) for year in set(annual.values())}
    assert after["years"] == years
    assert after["per_year"] == {str(year): n for year, n in sorted(years.items())}
    assert {"青溪镇", "廉江市司法局"} <= after["units"]
    assert ("石岭镇" in after["units"]) == (said == "annual_report")
    everything = client.get("/api/v1/search", query_string={"q": "法律顾问", "doc_type": "all"}).get_json()
    assert everything["total"]["reports"] == len(FILES)

    # Settled: nothing is left to curate, and the document says who decided.
    assert client.get("/api/v1/curation").get_json()["total"] == 0
    undecidable = next(r for r in everything["results"] if r["source"] == "收集/无标题.txt")
    assert (undecidable["doc_type"], undecidable["year"], undecidable["unit"]) == (said, 2022, "石岭镇")
    report = CliRunner().invoke(main, ["curation", "--index", str(index_dir), "--json"])
    assert report.exit_code == 0 and json.loads(report.stdout)["total"] == 0
    stats = json.loads(CliRunner().invoke(main, ["index", "stats", "--index", str(index_dir), "--json"]).stdout)
    assert stats["curation"]["documents"] == 0 and stats["per_year"] == after["per_year"]
