"""Small annual reports written for the analysis tests: each states its
unit, year, publication date and parts plainly, so what the index should
make of it is known before it is built."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from search_service import create_app
from search_service.config import Settings
from search_service.indexing import BuildOptions, build_index

HEADINGS: dict[str, str] = {
    "measures": "主要举措和成效",
    "problems": "存在的不足和原因",
    "leadership": "党政主要负责人履行推进法治建设第一责任人职责情况",
    "plans": "下一年度主要安排",
    "other": "其他需要报告的情况",
}
NUMERALS = "一二三四五六"

FILLER: dict[str, str] = {
    "measures": "镇政府聘请法律顾问参与合同审查，综合行政执法队落实执法全过程记录制度。",
    "problems": "基层执法人员数量偏少，培训覆盖不够。",
    "leadership": "主要负责同志主持召开专题会议研究法治建设。",
    "plans": "深化法律顾问制度，扩大合同审查范围。",
    "other": "无其他需要报告的事项。",
}


def report_text(
    unit: str,
    year: int,
    published: str | None,
    parts: dict[str, str] | tuple[str, ...],
    opening: str = "在湛江市委、廉江市委的正确领导下",
) -> str:
    """A report of unit on year, with a 发布日期 line when published is given
    and one numbered part per entry of parts (kind -> text, or kinds with
    stock text)."""
    texts = parts if isinstance(parts, dict) else {kind: FILLER[kind] for kind in parts}
    lines = [f"{unit}{year}年法治政府建设年度报告"]
    if published:
        lines.append(f"发布日期：{published}")
    lines += ["", f"{year}年，{opening}，{unit}围绕依法行政目标开展各项工作，现将有关情况报告如下：", ""]
    for number, (kind, text) in enumerate(texts.items()):
        lines += [f"{NUMERALS[number]}、{HEADINGS[kind]}", text, ""]
    lines.append(f"{unit}人民政府")
    return "\n".join(lines) + "\n"


def build(folder: Path, files: dict[str, str]) -> Path:
    """Write files (name -> text) under folder/src and index them; the index
    folder is returned."""
    source = folder / "src"
    source.mkdir(parents=True)
    for name, text in files.items():
        (source / name).write_text(text, "utf-8")
    index_dir = folder / "index"
    build_index(source, index_dir, BuildOptions(jobs=1))
    return index_dir


def client_of(index_dir: Path) -> FlaskClient:
    """A Flask test client of the app serving an index made by build()."""
    return create_app(Settings(index_dir=index_dir, source_dir=index_dir.parent / "src")).test_client()
