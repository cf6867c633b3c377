from django import template

from grants import catalogue_html

register = template.Library()


@register.filter
def project_card(project, marks=None):
    """`{{ project|project_card:marks }}`: the project's card (grants.catalogue_html)."""
    return catalogue_html.project_card(project, marks)


@register.simple_tag
def facet_links(rows, query, key):
    """`{% facet_links facets.municipalities query "kommune" %}`: a facet's links."""
    return catalogue_html.facet_links(rows, query, key)
