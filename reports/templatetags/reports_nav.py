"""The header link to the results reports, shown only to those who may open them."""

from django import template

from reports.policies import may_see_reports

register = template.Library()


@register.filter
def can_see_reports(user) -> bool:
    return may_see_reports(user)
