"""Every label the product shows, in both languages: `LABELS[key] = (中文, English)`.

One module per topic holds its labels (`common`, `states`, `overview`, `sla`, …); `words`
gathers them into `LABELS` and looks them up. A new label goes in its topic's module, a new
topic in `words.TOPICS`; no key is in two topics (tests/test_labels.py).
"""

from __future__ import annotations

from pipeline.base.labels.states import STATES
from pipeline.base.labels.words import LABELS, LANGS, TOPICS, label, platform_name

__all__ = ["LABELS", "LANGS", "STATES", "TOPICS", "label", "platform_name"]
