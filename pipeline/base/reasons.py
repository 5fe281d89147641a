"""What the pipeline says to a person, in the desk's languages.

Refusals of actions and roles are a `Reason`: a label key with its figures, whose text (as
a `str`) is the English sentence the command line prints, and whose `words(lang)` is the same
sentence in any language through the labels. `words(exc, lang)` says any refusal that reaches
a page: a Reason through the labels, a reader's sentence through the patterns below, anything
else as it is.


The readers (pipeline/ingest/formats, pipeline/importing) write their reasons, notes and refusals in
English, with the figures in them: `not an amount`, `duplicate order_id in this file (first at
row 2); this row is ignored`. `say(text, lang)` gives the same sentence in `lang`: each known
sentence is a pattern here with its Chinese wording, the figures carried over. A sentence no
pattern knows is returned as it is (never lost, never guessed at).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.base.labels import LABELS, label


class Reason(str):
    """A sentence known by its label key and figures. As a `str` it is the English sentence;
    `words(lang)` says it in `lang`. A figure that is itself a Reason (a role, a state, an
    action's name) is said in the same language; a list of them is joined."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Reason:
        if key not in LABELS:
            raise KeyError(f"no label {key!r}")
        made = super().__new__(cls, _render(key, params, "en"))
        made.key, made.params = key, params
        return made

    def words(self, lang: str) -> str:
        return _render(self.key, self.params, lang)

    def __reduce__(self):  # pickled (a cached value) as the Reason it is
        return (_rebuild, (self.key, self.params))


def _rebuild(key: str, params: dict[str, Any]) -> Reason:
    return Reason(key, **params)


_JOIN = {"zh": "；", "en": "; "}


def _render(key: str, params: dict[str, Any], lang: str) -> str:
    def said(v: Any) -> Any:
        if isinstance(v, Reason):
            return v.words(lang)
        if isinstance(v, list | tuple):
            return _JOIN.get(lang, "; ").join(str(said(x)) for x in v)
        return v
    return label(key, lang).format(**{k: said(v) for k, v in params.items()})


def words(what: BaseException | str, lang: str) -> str:
    """A refusal (an exception or its text) in `lang`: a Reason through the labels, a reader's
    sentence through the patterns of `say`, any other text as it is."""
    text = what.args[0] if isinstance(what, BaseException) and what.args else what
    if isinstance(text, Reason):
        return text.words(lang)
    return say(str(text), lang)

# What a `missing …` / `… longer than` reason names: the readers' words, then canonical columns.
_WHAT_ZH = {
    "order id": "订单编号",
    "order id (Name)": "订单编号（Name）",
    "creation time": "下单时间",
    "value": "值",
}

# (pattern, Chinese wording) — a pattern matches a whole sentence; its named groups are the
# figures and names that the wording carries over.
_ZH: list[tuple[str, str]] = [
    # per-row reasons
    (r"missing (?P<what>.+)", "缺少{what}"),
    (r"longer than (?P<n>[\d,]+) characters \(not an id\)", "超过 {n} 个字符（不是编号）"),
    (r"(?P<what>.+) longer than (?P<n>[\d,]+) characters", "{what}超过 {n} 个字符"),
    (r"the id was rounded by a spreadsheet \(export ids as text\)",
     "编号被表格软件四舍五入了（请以文本格式导出编号）"),
    (r"not an amount", "不是金额"),
    (r"not a whole number", "不是整数"),
    (r"not yes/no \(true/false, 1/0, 是/否\)", "不是“是/否”（true/false、1/0、是/否）"),
    (r"not a date/time", "不是日期时间"),
    (r"outside the plausible time window \((?P<a>[\d-]+) to (?P<b>[\d-]+)\)",
     "不在合理的时间范围内（{a} 至 {b}）"),
    (r"below zero, which it never is", "小于零（此列不会为负）"),
    (r"another row of its order was rejected", "同一订单的另一行被拒绝"),
    (r"its order was rejected on its first row", "所属订单在其第一行被拒绝"),
    (r"not a currency code \(CNY, USD, …\)", "不是货币代码（CNY、USD 等）"),
    (r"duplicate (?P<keys>.+) in this file \(first at row (?P<row>\d+)\); this row is ignored",
     "文件内重复的 {keys}（首次出现在第 {row} 行）；此行不导入"),
    (r"the file ends inside this record \(cut off\?\)", "文件在这一行中间结束（文件不完整？）"),
    (r"the field holds a NUL byte \(the file is damaged here\)", "此字段含有 NUL 字节（文件在此处损坏）"),
    (r"the record has (?P<n>\d+) fields but the header (?P<w>\d+)",
     "此行有 {n} 个字段，表头只有 {w} 个"),
    (r"a field of (?:more than )?(?P<n>[\d,]+) characters \(at most (?P<m>[\d,]+)\): "
     r"the record is broken", "有一个字段长达 {n} 个字符（最多 {m}）：此行已损坏"),
    (r"a quote opened here is never closed: the field runs across rows (?P<a>\d+)–(?P<b>\d+); "
     r"the rows after it were read as rows of their own",
     "此处的引号没有闭合：该字段跨越第 {a}–{b} 行；其后的行已按各自独立的行读取"),
    # notes
    (r"row (?P<row>\d+): a quote opened(?P<where>.*) is never closed \(it would run across rows "
     r"(?P<a>\d+)–(?P<b>\d+)\); it was read as a character, and rows (?P<c>\d+)–(?P<d>\d+) as "
     r"rows of their own",
     "第 {row} 行：引号没有闭合（会跨越第 {a}–{b} 行）；已把它当作普通字符，第 {c}–{d} 行按各自独立的行读取"),
    (r"the file ends inside a character \(cut off\?\); its last (?P<n>\d+) byte\(s\) were dropped",
     "文件在一个字符中间结束（文件不完整？）；已舍弃最后 {n} 个字节"),
    (r"(?P<n>\d+) row\(s\) without an SKU skipped", "跳过 {n} 行没有 SKU 的行"),
    (r"(?P<n>\d+) line\(s\) above the header skipped \(a title: (?P<title>.*)\)",
     "跳过表头上方的 {n} 行（标题：{title}）"),
    (r"(?P<n>[\d,]+) formula cell\(s\) hold no saved result and were read as empty; open the "
     r"workbook in Excel, save it and import it again",
     "{n} 个公式单元格没有保存计算结果，已按空值读取；请在 Excel 中打开并保存该工作簿后重新导入"),
    (r"(?P<n>[\d,]+) (?P<header>.+) value\(s\) cut to (?P<cap>[\d,]+) characters",
     "{n} 个“{header}”值已截断为 {cap} 个字符"),
    (r"买家实际支付金额 is net of refunds in this file \(a refund above the paid figure\); orders "
     r"are refunded in full only when nothing is left paid",
     "本文件的买家实际支付金额已扣除退款（有退款高于实付）；只有实付为零的订单才算全额退款"),
    (r"unknown Financial Status values: (?P<list>.+)", "未知的 Financial Status 值：{list}"),
    (r"unknown (?P<header>\S+) (?P<list>'[^;]+)", "未知的{header}：{list}"),
    (r"read from payment/shipping times", "已按付款/发货时间判断"),
    (r"read from 申请时间/同意退款时间", "已按申请时间/同意退款时间判断"),
    (r"taken as no refund in progress", "按无进行中的退款处理"),
    # refusals of a whole file
    (r"the file is empty", "文件是空的"),
    (r"an old \.xls workbook or a password-protected file; open it in Excel and save it as "
     r"\.xlsx or CSV", "旧版 .xls 工作簿或受密码保护的文件；请在 Excel 中打开并另存为 .xlsx 或 CSV"),
    (r"binary content \((?P<n>[\d,]+) NUL bytes\), not a CSV or XLSX export",
     "二进制内容（{n} 个 NUL 字节），不是 CSV 或 XLSX 导出文件"),
    (r"binary content, not a CSV or XLSX export", "二进制内容，不是 CSV 或 XLSX 导出文件"),
    (r"the text mixes two encodings \(line (?P<a>\d+) is UTF-8, line (?P<b>\d+) is not: GBK\?\); "
     r"save the whole file again in one encoding and retry",
     "文件混用了两种编码（第 {a} 行是 UTF-8，第 {b} 行不是：GBK？）；请把整个文件用同一种编码重新保存后再导入"),
    (r"broken UTF-16 text at byte (?P<n>\d+)", "UTF-16 文本在第 {n} 字节处损坏"),
    (r"broken UTF-8 text \(invalid bytes at offset (?P<n>\d+)\)",
     "UTF-8 文本损坏（第 {n} 字节处有无效字节）"),
    (r"the text is neither UTF-8 nor GBK/GB18030 \(undecodable bytes\); save it again as CSV "
     r"\(UTF-8\) and retry", "文本既不是 UTF-8 也不是 GBK/GB18030（无法解码）；请另存为 CSV（UTF-8）后重试"),
    (r"no header row found", "找不到表头行"),
    (r"not a valid XLSX workbook \(broken zip: (?P<why>.+)\)", "不是有效的 XLSX 工作簿（压缩包损坏：{why}）"),
    (r"the workbook has too many parts \((?P<n>[\d,]+); at most (?P<m>[\d,]+)\); export it as "
     r"CSV instead", "工作簿的部件过多（{n} 个；最多 {m} 个）；请改为导出 CSV"),
    (r"the workbook unpacks to more than (?P<n>\d+) MB; export it as CSV instead",
     "工作簿解压后超过 {n} MB；请改为导出 CSV"),
    (r"a zip archive, but not an XLSX workbook", "这是一个压缩包，但不是 XLSX 工作簿"),
    (r"the XLSX workbook cannot be read \((?P<why>.+)\)", "XLSX 工作簿无法读取（{why}）"),
    (r"the workbook has no rows", "工作簿中没有数据行"),
    (r"cannot be read \((?P<why>.+)\)", "无法读取（{why}）"),
    (r"the headers fit several layouts equally well \((?P<layouts>.+?)\); headers seen: "
     r"(?P<headers>.+)\. Export the full set of columns, or use the desk's template",
     "表头同样符合多种格式（{layouts}）；看到的表头：{headers}。请导出全部列，或使用订单台的模板"),
    (r"layout not recognised; headers seen: (?P<headers>.+)\. Known layouts: (?P<known>.+)",
     "无法识别文件格式；看到的表头：{headers}。已知格式：{known}"),
    (r"looks like (?P<layout>\S+) but lacks the required column\(s\) (?P<names>.+); headers seen: "
     r"(?P<headers>.+)", "看起来是 {layout}，但缺少必需的列 {names}；看到的表头：{headers}"),
    (r"already imported \(same content as import #(?P<id>\d+) '(?P<name>.*)'\); nothing changed",
     "已导入过（与第 {id} 次导入“{name}”内容相同）；未做任何更改"),
    (r"could not be stored, nothing was imported \((?P<why>.+)\)", "无法写入，未导入任何内容（{why}）"),
    (r"(?P<mb>[\d.]+) MB is over the (?P<limit>\d+) MB limit; split the export or import it "
     r"with `python -m pipeline import`",
     "{mb} MB 超过 {limit} MB 的上限；请拆分导出文件，或用 `python -m pipeline import` 导入"),
]
_COMPILED = [(re.compile(p), zh) for p, zh in _ZH]


def _what(name: str) -> str:
    if name in _WHAT_ZH:
        return _WHAT_ZH[name]
    entry = LABELS.get(f"col_{name}")
    return entry[0] if entry else name


def say(text: str, lang: str, file_name: str | None = None) -> str:
    """`text` (a reason, note or refusal of the readers) in `lang`; several sentences joined
    by '; ' are said one by one. A message that starts with `file_name: ` keeps that prefix."""
    if not text:
        return text
    if lang != "zh":   # the sentence as written, layout codes in the house's words
        return _LAYOUT_NAMED.sub(lambda m: re.sub(r"\b[a-z]+_[a-z]+\b",
                                                  lambda c: _layout(c, 1), m[0]), text)
    prefix = ""
    if file_name and text.startswith(f"{file_name}: "):
        prefix, text = f"{file_name}：", text[len(file_name) + 2:]
    whole = _one(text)
    if whole is not None:
        return prefix + whole
    parts = [_one(p) for p in text.split("; ")]
    if all(p is not None for p in parts):
        return prefix + "；".join(parts)  # type: ignore[arg-type]
    return prefix + text


def _one(sentence: str) -> str | None:
    for pattern, zh in _COMPILED:
        m = pattern.fullmatch(sentence)
        if m:
            groups = m.groupdict()
            if "what" in groups:
                groups["what"] = _what(groups["what"])
            for name in ("layout", "layouts"):   # layout codes in the house's words
                if name in groups:
                    groups[name] = re.sub(r"\b[a-z]+_[a-z]+\b", lambda c: _layout(c, 0),
                                          groups[name])
            if "list" in groups and groups["list"].startswith("'"):
                groups["list"] = _word_counts(groups["list"])
            return zh.format(**groups)
    return None


# where a refusal names layouts by their codes
_LAYOUT_NAMED = re.compile(r"looks like \S+ but|fit several layouts equally well \([^)]*\)")


def _layout(code: re.Match, lang_index: int) -> str:
    """A layout code (`douyin_orders`) as the house names it, in the language at `lang_index`."""
    entry = LABELS.get(f"layout_{code[0]}")
    return entry[lang_index] if entry else code[0]


_COUNTED = {"order": "单", "sub-order": "个子订单", "line": "行"}


def _word_counts(text: str) -> str:
    """`'待审核' on 3 orders, 'x' on 1 order and 2 more` as `“待审核” 3 单、“x” 1 单，另有 2 个`."""
    more = re.search(r" and (\d+) more$", text)
    body = text[:more.start()] if more else text
    items = re.findall(r"'(.*?)' on (\d+) (order|sub-order|line)s?(?:, |$)", body)
    out = "、".join(f"“{w}” {n} {_COUNTED[what]}" for w, n, what in items)
    return out + (f"，另有 {more.group(1)} 个" if more else "")


def known(text: str) -> bool:
    """Whether `say` has a wording for `text` (every sentence of it)."""
    return _one(text) is not None or all(_one(p) is not None for p in text.split("; "))
