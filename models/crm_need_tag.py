from odoo import fields, models


class CrmNeedTag(models.Model):
    """A customer need (降本, 提效…) used on customers and, later, on their needs."""

    _name = "crm.need.tag"
    _description = "Customer Need Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [("name_uniq", "unique(name)", "This need tag already exists.")]
