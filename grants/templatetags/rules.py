"""`{% may "recommend" application as can_recommend %}`: the template asks the same question as
the service will (grants.rules.may), so no template tests status strings."""

from django import template

from grants.rules import may as user_may

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, obj) -> bool:
    return user_may(context["request"].user, action, obj)
