"""Let programme staff grant the programme-manager permission to a group in the Wagtail admin."""

from django.contrib.auth.models import Permission

from wagtail import hooks


@hooks.register("register_permissions")
def results_permission():
    return Permission.objects.filter(content_type__app_label="reports", codename="view_all_results")
