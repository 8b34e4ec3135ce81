"""`{% export_link module %}`: the module page's link to its export, shown only to people
`interop.policies` lets export (so `modules` stays unaware of who may)."""

from django import template

from .. import policies

register = template.Library()


@register.inclusion_tag("interop/export_link.html", takes_context=True)
def export_link(context: template.Context, module) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = user is not None and policies.can_export_module(user, module)
    return {"module": module, "allowed": allowed}
