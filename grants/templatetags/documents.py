from django import template

register = template.Library()


@register.filter
def plan_marks(application, doc) -> list[bool]:
    """The goal marks of one project in the action plan's table."""
    return doc.marks(application)


@register.filter
def appeal_text(decision) -> str:
    """The appeal guidance as the letter gives it, in full (fresh eyes round 20: the page
    showed only the first paragraph, without the Ombudsman and the time limit)."""
    from grants.documents.letters import appeal_paragraphs

    return appeal_paragraphs(decision)


@register.filter
def appeal_heading(application) -> str:
    from grants.documents.letters import appeal_heading as heading

    return heading(application)


@register.filter
def payment_text(decision) -> str:
    """How the grant's money reaches the grantee, as the letter and the mail say it."""
    from grants.documents.letters import payment_text as text

    return text(decision)
