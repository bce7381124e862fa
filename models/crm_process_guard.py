"""What clients may not write, declared once per model (DESIGN.md §4 "Integrity").

A model lists in ``_process_fields`` the fields only the sales process sets: computed
results, audit fields, codes, dates the process records, states. ``create`` and
``write`` refuse them for every client call (form, import, JSON-RPC, wizard, line
commands of a parent record, ``default_<field>`` in the context), whatever the view
says; the model's own methods change them through ``_process()``, which marks the call
with a Python object JSON cannot carry. Superuser mode exists only in server code
(data files, crons, ``sudo()``), so it is trusted too.

A value that changes nothing passes silently (an import re-sending an exported column,
a form sending a state's default), so clients get an error only for what they try to
change. Values the process sets while creating or writing (numbers, who ticked what)
are added by ``_process_prepare_vals`` after the check.

A plain Python class, not an Odoo model: a model, new or inherited, takes it as the
first base of its class (``class ResPartner(ProcessGuard, models.Model)``), so an
inherited model needs no second ``_inherit`` entry (which would require repeating its
``_name``), and the guard runs before the other overrides of ``create``/``write``.
"""

from functools import cache

from odoo import api
from odoo.exceptions import UserError


class ProcessCall:
    """Marks the calls a model's own methods make to change process fields (see ``_process``)."""

    __slots__ = ()

    def __repr__(self):
        return "<process call>"


PROCESS = ProcessCall()


def _iso(value):
    return value.isoformat() if value else None


# How each kind of field is rendered in a fingerprint; other kinds as they are (None when empty).
FINGERPRINT_RENDERINGS = {
    "many2one": lambda value: value.id or None,
    "one2many": lambda value: sorted(value.ids),
    "many2many": lambda value: sorted(value.ids),
    "date": _iso,
    "datetime": _iso,
    "float": lambda value: f"{value or 0.0:.6f}",
    "monetary": lambda value: f"{value or 0.0:.6f}",
    "html": lambda value: str(value or ""),
    "json": lambda value: value or None,
}


def fingerprint_value(field, value):
    """A JSON-stable rendering of one field value, for the fingerprints of what a customer
    signs and what approvers approve."""
    render = FINGERPRINT_RENDERINGS.get(field.type)
    if render:
        return render(value)
    return value if value not in (None, False) else None


@cache
def _declared_process_fields(model_class):
    """The union of ``_process_fields`` over the classes of a model (each extension adds its own)."""
    names = set()
    for klass in model_class.mro():
        names.update(klass.__dict__.get("_process_fields", ()))
    return frozenset(names)


class ProcessGuard:
    """Refuses the fields a model lists in ``_process_fields`` to every client call."""

    # no instance attributes: Odoo rebuilds model classes from their bases, which must share a layout
    __slots__ = ()

    # Each model (and each extension of it) lists the fields only its own methods set.
    _process_fields = ()

    def _process(self):
        """These records, for the model's own methods to set process fields."""
        return self.with_context(crm_process=PROCESS)

    def _is_process_call(self):
        return self.env.su or self.env.context.get("crm_process") is PROCESS

    def _process_field_names(self):
        return _declared_process_fields(type(self))

    def _process_fields_hint(self, field_names):
        """What to do instead of writing ``field_names`` (a sentence), per model."""
        return self.env._("They change through the record's buttons only.")

    def _process_refuse(self, vals_list, creating):
        """``vals_list`` without the harmless process values; an error for the others."""
        names = self._process_field_names()
        cleaned = []
        for vals in vals_list:
            given = names.intersection(vals)
            if not given:
                cleaned.append(vals)
                continue
            kept = dict(vals)
            forged = set()
            for name in given:
                if self._process_value_unchanged(name, kept[name], creating):
                    del kept[name]
                else:
                    forged.add(name)
            if forged:
                labels = sorted(self._fields[name]._description_string(self.env) for name in forged)
                raise UserError(
                    self.env._(
                        "%(fields)s of %(model)s are set by the sales process, not by hand, import or API. %(hint)s",
                        fields=", ".join(f"“{label}”" for label in labels),
                        model=self.env["ir.model"]._get(self._name).name,
                        hint=self._process_fields_hint(forged),
                    )
                )
            cleaned.append(kept)
        return cleaned

    def _process_value_unchanged(self, name, value, creating):
        """Whether writing ``value`` into ``name`` leaves every record as it is (or, creating,
        as it would be born: empty, or the field's own default, never the context's)."""
        field = self._fields[name]
        try:
            if creating:
                if not value:
                    return True
                default = field.default(self) if field.default else None
                return field.convert_to_cache(value, self) == field.convert_to_cache(default, self)
            return all(
                field.convert_to_cache(value, record) == field.convert_to_cache(record[name], record) for record in self
            )
        except (ValueError, TypeError):
            return False

    def _process_prepare_vals(self, vals_list, creating):
        """Hook: add what the process sets itself (codes, who ticked…) to the checked values."""
        return vals_list

    def _process_clean_context(self):
        """Drop ``default_<process field>`` keys: a client cannot choose a process value as a default."""
        keys = [
            key for key in self.env.context if key.startswith("default_") and key[8:] in self._process_field_names()
        ]
        if not keys:
            return self
        # removing keys needs a new context, which with_context(**kwargs) cannot express
        return self.with_env(
            self.env(context={key: value for key, value in self.env.context.items() if key not in keys})
        )

    @api.model_create_multi
    def create(self, vals_list):
        records = self
        if not self._is_process_call():
            records = self._process_clean_context()
            vals_list = records._process_refuse(vals_list, creating=True)
        vals_list = records._process_prepare_vals(vals_list, creating=True)
        return super(ProcessGuard, records).create(vals_list)

    def write(self, vals):
        if not self._is_process_call():
            [vals] = self._process_refuse([vals], creating=False)
        [vals] = self._process_prepare_vals([vals], creating=False)
        return super().write(vals)
