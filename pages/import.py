"""Import: several export files at once; per file its layout, rows imported and rejected."""

import streamlit as st

from pipeline.base.reasons import say
from pipeline.base.roles import may
from pipeline.db.store import release_unused_memory
from pipeline.ingest import bootstrap
from pipeline.ingest.formats import TEMPLATES
from pipeline.ingest.importing import import_bytes, import_history, refuse_too_big
from ui.actor import role
from ui.auth import page_guard
from ui.data import after_import, get_store, import_store, on_demo, query
from ui.downloads import download_buttons
from ui.errors import store_errors
from ui.i18n import lang, t, tc
from ui.safe import md_escape
from ui.shops import ask_shops, clash_view, result_shop, shops_section

MAX_FILE_BYTES = 200 * 1024 * 1024


def outcome_text(res) -> str:
    """One file's outcome in the page's language, from the result's figures (file name escaped)."""
    words = {"file": md_escape(res.file_name), "status": t("status_" + res.status),
             "layout": t("layout_" + res.layout) if res.layout else "—", "read": res.rows_read,
             "imported": res.rows_imported, "rejected": res.rows_rejected,
             "import_id": res.import_id}
    if res.status == "skipped":
        return t("imp_result_skipped").format(**words)
    if res.status == "refused":
        return t("imp_result_refused").format(**words)
    text = t("imp_result_read").format(**words)
    return text + (t("imp_result_rejected").format(**words) if res.rows_rejected else "")


page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_import"))
st.caption(t("import_layouts"))
st.session_state.setdefault("import_by", "")

# Which data is on screen: the demo (kept apart) or the desk's own.
if on_demo():
    st.info(t("imp_on_screen_demo"), icon=":material/science:")
else:
    st.success(t("imp_on_screen_own"), icon=":material/storage:")
    if query(bootstrap.has_demo_imports):
        st.warning(t("imp_demo_mixed"), icon=":material/warning:")
shown = get_store()   # where: the file's path, or the database's address without its password
st.text(f"{tc('store_where_database') if shown.remote else tc('imp_store_file')}{shown.where}")

files, submitted, shops = [], False, {}
if may(role(), "import"):
    # a new uploader after each import: the files imported leave the page
    round_ = st.session_state.setdefault("import_round", 0)
    files = st.file_uploader(t("upload_files"), accept_multiple_files=True,
                             key="import_files" if not round_ else f"import_files_{round_}",
                             type=["csv", "xlsx", "txt"]) or []
    shops = ask_shops(files)  # the shop of the files that do not name it (DESIGN §13)
    submitted = st.button(t("import_button"), type="primary", icon=":material/upload:",
                          disabled=shops is None, key="import_button")
else:
    st.caption(t("auth_not_allowed"))

if submitted and files:
    bar = st.progress(0.0, text=t("importing"))
    results = []
    switched = False
    with store_errors() as outcome:  # a store that cannot be written: one plain sentence
        target = import_store()
        for i, up in enumerate(files, start=1):
            bar.progress((i - 1) / len(files), text=f"{t('importing')} {md_escape(up.name)}")
            if up.size > MAX_FILE_BYTES:
                results.append(refuse_too_big(up.name, up.size, MAX_FILE_BYTES))
                continue
            results.append(import_bytes(target, up.name, up.getvalue(),
                                        by=st.session_state.get("actor") or "app", role=role(),
                                        shop=(shops or {}).get(up.file_id)))
        switched = on_demo() and any(r.status in ("imported", "partial") for r in results)
        after_import(target, switched)
    bar.empty()  # the outcomes below say how it ended
    st.session_state["import_last"] = results  # outcomes and rejects only, no bytes or frames
    release_unused_memory()  # what parsing and staging the files took goes back
    if switched:
        # the demo's date range and shops mean nothing in the own data
        for key in ("f_dates", "f_shops", "f_platforms"):
            st.session_state.pop(key, None)
        st.session_state["import_switched"] = True
    if not outcome.failed:  # the files imported leave the uploader; a fault stays on screen
        st.session_state["import_round"] += 1
        st.rerun()


if st.session_state.pop("import_switched", False):
    st.success(t("imp_switched_to_own"), icon=":material/swap_horiz:")
for res in st.session_state.get("import_last", []):
    icon = {"imported": ":material/check_circle:", "partial": ":material/warning:",
            "skipped": ":material/info:"}.get(res.status, ":material/error:")
    box = st.error if res.status == "refused" else st.warning if res.status == "partial" else st.success
    box(outcome_text(res), icon=icon)
    if res.shop:
        st.text(t("imp_result_shop").format(shop=result_shop(res)))   # name · platform
    if res.clash is not None:
        clash_view(res)
    elif res.status == "refused" and res.message:
        st.text(f"{tc('imp_reader_detail')}{say(res.message, lang(), res.file_name)}")
    for note in res.notes:  # unknown status words, text cut to its cap, a stray quote, …
        st.text(f"{tc('imp_reader_detail')}{say(note, lang())}")
    if res.rejects:
        rej = res.rejects_frame()
        rej["reason"] = rej["reason"].map(lambda r: say(r, lang()))
        rej = rej.rename(columns={c: t(f"imp_rej_{c}") for c in rej.columns})
        st.dataframe(rej.head(1000), hide_index=True, key=f"rej_{res.file_name}")
        download_buttons(rej, f"rejects_{res.file_name}", key=f"rej_dl_{res.file_name}")

shops_section()

st.subheader(t("import_history"))
history = query(import_history)
history = history.assign(layout=history["layout"].map(lambda v: t("layout_" + v) if v else "—"))
st.dataframe(history, hide_index=True, key="import_history_table",
             column_config={c: st.column_config.Column(t(f"imp_{c}")) for c in history.columns})

st.subheader(t("templates"))
st.caption(t("templates_help"))
cols = st.columns(len(TEMPLATES))
for col, (kind, text) in zip(cols, TEMPLATES.items(), strict=True):
    col.download_button(t(f"tpl_{kind}"), text.encode("utf-8-sig"), f"template_{kind}.csv",
                        "text/csv", key=f"tpl_{kind}", icon=":material/description:")
    with col.popover(t(f"tpl_{kind}"), icon=":material/visibility:"):
        st.code(text, language=None)
