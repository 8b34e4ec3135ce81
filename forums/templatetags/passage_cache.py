from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.safestring import SafeString

from forums.fragments import cached_passage

register = template.Library()


class CachedPassageNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        return cached_passage(context, self.nodelist)


@register.tag("cached_passage")
def do_cached_passage(parser: Parser, token: Token) -> CachedPassageNode:
    """{% cached_passage %}…{% endcached_passage %}: a passage's discussion, cached by what it
    shows (forums.fragments); inside it, `client_id_prefix` and `csrf_token` are placeholders."""
    nodelist = parser.parse(("endcached_passage",))
    parser.delete_first_token()
    return CachedPassageNode(nodelist)
