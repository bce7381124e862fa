"""Printed documents only of records the reader may read: refused with a clear access error
before anything is rendered (a QWeb error midway would hide it)."""


def readable_report_values(env, model, docids):
    """The report values of ``docids`` of ``model``, after checking the reader may read them all."""
    docs = env[model].browse(docids)
    docs.check_access("read")
    return {"doc_ids": docids, "doc_model": model, "docs": docs}
