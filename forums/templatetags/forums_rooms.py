from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def room_url(context: template.Context, name: str, **kwargs: object) -> str:
    """A URL of the room being shown (`room_ctx`, a forums.rooms.RoomContext), whichever place
    it belongs to, so room templates and post partials serve cohort and alumni rooms alike:
    {% room_url "post_action" post_id=post.pk action="hide" %}."""
    return context["room_ctx"].url(name, **kwargs)
