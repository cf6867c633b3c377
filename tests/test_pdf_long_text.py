"""The applicant's PDF stays quick however long the answers: user text is laid out in small
paragraphs (an attack's 30 criteria of 20.000 characters took 38 s, past the worker timeout,
because ReportLab re-wraps a paragraph's remainder at every page it splits)."""

import pytest
from reportlab.platypus import Paragraph

from grants.documents.pdf import CHUNK, paragraphs, project_section
from grants.models import SuccessCriterion
from portal.forms import TEXT_MAX_LENGTH


def test_paragraphs_cut_long_lines_and_keep_every_character():
    text = "ord " * 2000 + "\n" + "x" * 4000
    pieces = paragraphs(text)
    assert all(len(p.text) <= CHUNK for p in pieces)
    assert "".join(p.text.replace(" ", "") for p in pieces) == text.replace(" ", "").replace(
        "\n", ""
    )


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["x", "ord "])
def test_no_long_paragraph_in_an_application_copy(make_application, word):
    application = make_application()
    long = (word * TEXT_MAX_LENGTH)[:TEXT_MAX_LENGTH]
    for field in ("description", "purpose", "challenge", "target_group", "anchoring"):
        setattr(application, field, long)
    application.save()
    for order in range(30):
        SuccessCriterion.objects.create(application=application, text=long, order=order)
    story = project_section(1, application, reach=True)
    lengths = [len(item.text) for item in story if isinstance(item, Paragraph)]
    assert max(lengths) <= CHUNK + 200  # a criterion's target may follow its last piece


@pytest.mark.parametrize("amount", ["150000", "1250000.50", "12345678.75"])
def test_an_amount_in_a_table_stays_on_one_line(amount):
    """Fresh eyes round 21: "1.250.000,50 kr." broke before "kr." in the committee's paper;
    then seven-digit amounts were set much smaller: up to "9.999.999 kr." in bold keeps the
    tables' size."""
    from decimal import Decimal

    from grants.documents.pdf import MONEY_ROOM, money

    cell = money(Decimal(amount))
    cell.wrap(MONEY_ROOM, 1000)
    assert len(cell.blPara.lines) == 1
    assert money(Decimal("9999999"), bold=True).style.fontSize == 8
