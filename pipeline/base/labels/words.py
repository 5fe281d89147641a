"""The labels of every topic in one dictionary, and the lookups the product calls."""

from __future__ import annotations

from pipeline.base.labels import (
    aftersales,
    alerts,
    case_actions,
    common,
    couriers,
    errors,
    imports,
    info,
    order_info,
    orders,
    overview,
    pack,
    parcels,
    problems,
    promotions,
    queue,
    report,
    settings,
    shipping,
    sla,
    states,
    stock,
    team,
    warroom,
)

LANGS = ("zh", "en")

# One module per topic; a new topic is added here.
TOPICS = (common, states, overview, sla, problems, queue, shipping, orders, stock, promotions,
          warroom, imports, team, settings, report, errors, case_actions, aftersales, info,
          alerts, parcels, couriers, order_info, pack)

LABELS: dict[str, tuple[str, str]] = {k: v for topic in TOPICS for k, v in topic.LABELS.items()}


def platform_name(platform: str, lang: str = "zh") -> str:
    """A platform code as people name it (`taobao` -> 淘宝/天猫); a code without a label (a
    template's own platform) as written."""
    name = f"platform_{platform}"
    return label(name, lang) if name in LABELS else (platform or "—")


def label(key: str, lang: str = "zh") -> str:
    """The label of `key` in `lang`; the key itself when none is defined."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
