"""The decision letter and the cooperation agreement (issue 16, item 7), from the user's side:
staff record the decision; the applicant downloads the letter from the application's page,
its text has the amounts per year in Danish form, the conditions, the reasons and the appeal
guidance (forvaltningsloven §§ 22-25); the e-mail from the worker links to it and attaches
nothing. At or over the pool's threshold the agreement is produced too. Letters are records:
made once and never changed."""

import hashlib
import io
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from grants.models import Decision, ImmutableLetterError, Letter, LetterKind
from grants.organisations import new_person

from .page_crawl import visible_text
from .staff_support import decide

CONDITIONS = "Projektet deltager i kommunens netværksmøde for frivillige."
REASONS = "Budgettet til transport er sat ned, fordi deltagerne bor tæt på."


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    default = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        yield


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


@pytest.fixture
def applicant(owner):
    client = Client()
    client.force_login(owner)
    return client


def decided_with_agreement(staff_client, make_recommended, capture, **extra):
    """An application granted 80.000 and 70.000 kr. of the 100.000 asked for in 2026 and
    2027, over the pool's threshold: a letter and a cooperation agreement."""
    application = make_recommended({2026: "100000", 2027: "100000"}, **extra)
    decide(
        staff_client,
        application,
        capture,
        amount_2026="80.000",
        amount_2027="70.000",
        reasons=REASONS,
        conditions_text=CONDITIONS,
    )
    return application


def test_a_partial_grant_over_two_years_gives_a_letter_and_an_agreement(
    staff_client, applicant, owner, make_recommended, mailoutbox, django_capture_on_commit_callbacks
):
    application = decided_with_agreement(
        staff_client, make_recommended, django_capture_on_commit_callbacks
    )
    letters = {letter.kind: letter for letter in Letter.objects.filter(application=application)}
    assert set(letters) == {LetterKind.DECISION, LetterKind.AGREEMENT}

    # The applicant finds the letter on the application's page and downloads it.
    html = applicant.get(reverse("mine:detail", args=[application.pk])).content.decode()
    letter_url = reverse("mine:letter", args=[letters[LetterKind.DECISION].pk])
    assert f'href="{letter_url}"' in html
    page = visible_text(html)
    assert "Hent brevet med beslutningen (PDF)" in page and "Hent samarbejdsaftalen (PDF)" in page
    # A department is part of the administration: its agreement is with the secretariat.
    assert "I skal indgå en samarbejdsaftale med puljens sekretariat" in page
    # It is the applicant's next task, on the dashboard too, until the agreement is signed.
    dashboard = visible_text(applicant.get(reverse("mine:dashboard")).content.decode())
    assert "Underskriv samarbejdsaftalen:" in dashboard and application.title in dashboard
    Decision.objects.filter(application=application).update(agreement_signed_on="2026-03-01")
    dashboard = visible_text(applicant.get(reverse("mine:dashboard")).content.decode())
    assert "Underskriv samarbejdsaftalen:" not in dashboard
    Decision.objects.filter(application=application).update(agreement_signed_on=None)
    content = download(applicant, letter_url)
    assert hashlib.sha256(content).hexdigest() == letters[LetterKind.DECISION].sha256

    text = pdf_text(content)
    assert "Testrup Kommune" in text  # the sender
    # A department's is a "beslutning" (fresh eyes round 25), not an afgørelse.
    assert "Beslutning om tilskud" in text and "Beslutning: Delvis bevilget" in text
    assert "Afgørelse" not in text
    assert "2026 100.000 kr. 80.000 kr." in text
    assert "2027 100.000 kr. 70.000 kr." in text
    assert "I alt 200.000 kr. 150.000 kr." in text
    assert "tilskud på 150.000 kr. i alt." in text
    assert "Øvrige vilkår" in text and CONDITIONS in text
    assert "samarbejdsaftale" in text
    assert "Slutrapport senest 31. marts 2028" in text  # the report requirement
    assert "Begrundelse" in text and REASONS in text
    assert "Regler, beslutningen bygger på" in text and "kommunalfuldmagtsreglerne" in text
    # A department's grant shares the pool out inside the municipality: not a citizen's
    # appeal guidance (fresh eyes round 18), but why it cannot be appealed.
    assert "Kan beslutningen påklages?" in text and "Klagevejledning" not in text
    assert "fordeler puljens midler mellem kommunens egne enheder" in text
    assert "Ombudsmand" not in text and "Ankestyrelsen" not in text
    assert "samarbejdsaftale med puljens sekretariat" in text
    assert "overført til jeres budget" in text and "NemKonto" not in text

    agreement = pdf_text(
        download(applicant, reverse("mine:letter", args=[letters[LetterKind.AGREEMENT].pk]))
    )
    assert "Samarbejdsaftale" in agreement and "Underskrift" in agreement
    assert "I alt 200.000 kr. 150.000 kr." in agreement
    assert "Tilskuddet gives for 2026 og 2027" in agreement
    # The decision's date is the committee's meeting (decide() enters 1 March 2026), not the
    # day the staff typed the decision in.
    assert "efter beslutningen af 1. marts 2026." in agreement

    # The e-mail came through the worker: a notice with the link, no file attached.
    mail = [m for m in mailoutbox if owner.email in m.to]
    assert len(mail) == 1
    assert mail[0].attachments == []
    # To the application's page with the letters, not to the file (fresh eyes round 20:
    # signed out, the file's address ended in a download behind the sign-in page).
    detail_url = reverse("mine:detail", args=[application.pk])
    assert f"{detail_url}#decision-heading\n" in mail[0].body
    assert letter_url not in mail[0].body
    assert "samarbejdsaftale" in mail[0].body
    # What to do, and how the money comes, before the reasons (fresh eyes round 31).
    body = mail[0].body
    assert body.index("Vilkår:") < body.index("Udbetaling:") < body.index("Begrundelse:")

    # Staff see and download the same letters.
    staff_html = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    staff_url = reverse("sekretariat:letter", args=[letters[LetterKind.DECISION].pk])
    assert f'href="{staff_url}"' in staff_html.content.decode()
    assert download(staff_client, staff_url) == content

    # The class: a department's decision is a "beslutning" wherever it is named, for the
    # applicant and for staff (fresh eyes round 28 found "Afgørelse (PDF)", the footnote, the
    # file name and the staff page), except where it says it is none in the law's sense.
    said = {
        "the application's page": page,
        "the mail": mail[0].body,
        "the letter": text,
        "the agreement": agreement,
        "the file names": " ".join(letter.filename for letter in letters.values()),
    }
    for where, words in said.items():
        words = words.replace("ikke en afgørelse i forvaltningslovens forstand", "")
        found = re.findall(r".{0,60}(?:fgørelse|afgoerelse).{0,30}", words)
        assert not found, (where, found)
    staff_page = visible_text(staff_html.content.decode())
    assert "Beslutning: Delvis bevilget" in staff_page and "Afgørelse: Delvis" not in staff_page
    # Made inside the municipality: with the pool's secretariat, not "the administration"
    # (fresh eyes round 31: "between Frederiksberg Kommune and Center for Integration").
    assert "Aftalen er indgået mellem sekretariatet for" in agreement
    assert "forvaltningen" not in agreement


def test_several_agreements_to_sign_are_one_task_with_the_instruction_once(
    staff_client, applicant, make_recommended, django_capture_on_commit_callbacks
):
    """Session 28: one long sentence per grant made "Venter på dig" a wall of text."""
    titles = ["Kvinder i job", "Lektiecafé i Nord"]
    for title in titles:
        decided_with_agreement(
            staff_client, make_recommended, django_capture_on_commit_callbacks, title=title
        )
    html = applicant.get(reverse("mine:dashboard")).content.decode()
    waiting = html.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    text = visible_text(waiting)
    assert "Underskriv samarbejdsaftalerne (2):" in text
    assert text.count("underskriv den og send den til kommunen") == 1
    assert "Underskriv samarbejdsaftalen:" not in text
    for application in Decision.objects.filter(application__title__in=titles):
        link = reverse("mine:detail", args=[application.application_id]) + "#decision-heading"
        assert f'href="{link}">{application.application.title}</a>' in waiting


def test_every_word_of_a_departments_decision_is_beslutning():
    """The class behind fresh eyes round 31's "Registrér afgørelsen efter mødet" on a
    department's decision form: every phrase of DECISION_WORDS, in both languages, names a
    department's decision a "beslutning" (a "decision") and an association's an "afgørelse"."""
    from django.utils import translation

    from grants.wording import DECISION_WORDS

    for key, (department, association) in DECISION_WORDS.items():
        for language, internal, external in (
            ("da", "eslutning", "fgørelse"),
            ("en", "decision", "administrative decision"),
        ):
            with translation.override(language):
                assert external not in str(department), (key, language, str(department))
                assert internal.lower() in str(department).lower(), (key, language)
        with translation.override("da"):
            assert "eslutning" not in str(association), (key, str(association))


def from_association(application):
    """The application as an association's (the tests of a citizen's rights in the letter)."""
    from grants.models import Application
    from portal.models import Organisation

    association = Organisation.objects.create(
        municipality=application.municipality, name="Foreningen FISKEN"
    )
    Application.objects.filter(pk=application.pk).update(department=None, organisation=association)
    application.refresh_from_db()
    return application


def test_a_small_grant_in_full_has_a_letter_but_no_agreement(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = from_association(make_recommended({2026: "60000"}))
    decide(staff_client, application, django_capture_on_commit_callbacks, amount_2026="60.000")
    letter = Letter.objects.get(application=application)
    assert letter.kind == LetterKind.DECISION
    text = pdf_text(download(staff_client, reverse("sekretariat:letter", args=[letter.pk])))
    assert "Afgørelse: Bevilget som ansøgt" in text
    assert "2026 60.000 kr. 60.000 kr." in text
    assert "evaluering" in text.lower() and "Evaluering senest 31. december 2027" in text
    assert "fuldt medhold" in text  # § 22: no further reasons needed when fully granted
    assert "Folketingets Ombudsmand" in text


def test_a_refusal_says_so_with_reasons_and_guidance(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = from_association(make_recommended({2026: "60000"}))
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        outcome="rejected",
        reasons="Projektet ligger uden for puljens formål.",
    )
    letter = Letter.objects.get(application=application)
    text = pdf_text(download(staff_client, reverse("sekretariat:letter", args=[letter.pk])))
    assert "Afgørelse: Afslag" in text and "ikke at give tilskud" in text
    assert "Projektet ligger uden for puljens formål." in text
    assert "Klagevejledning" in text


def test_the_pools_legal_basis_and_threshold_are_set_by_staff(
    staff_client, applicant, make_recommended, pools, django_capture_on_commit_callbacks
):
    pool = pools[0]
    pool.legal_basis = "Lov om social service § 18"
    pool.evaluation_threshold = 50000
    pool.save()
    application = make_recommended({2026: "60000"})
    decide(staff_client, application, django_capture_on_commit_callbacks, amount_2026="60.000")
    kinds = set(Letter.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == {LetterKind.DECISION, LetterKind.AGREEMENT}  # 60.000 ≥ 50.000
    letter = Letter.objects.get(application=application, kind=LetterKind.DECISION)
    text = pdf_text(download(applicant, reverse("mine:letter", args=[letter.pk])))
    assert "Lov om social service § 18" in text


def test_the_pool_form_edits_the_legal_basis(staff_client, pool):
    html = staff_client.get(reverse("sekretariat:pool-edit", args=[pool.pk])).content.decode()
    assert 'name="legal_basis"' in html and 'name="evaluation_threshold"' in html


def test_a_letter_is_never_changed_or_deleted(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "60000"})
    decide(staff_client, application, django_capture_on_commit_callbacks, amount_2026="60.000")
    letter = Letter.objects.get(application=application)
    letter.sha256 = "0" * 64
    with pytest.raises(ImmutableLetterError):
        letter.save()
    with pytest.raises(ImmutableLetterError):
        letter.delete()
    assert Letter.objects.get(pk=letter.pk).sha256 != "0" * 64


def test_a_later_decision_makes_new_letters_and_keeps_the_old(
    staff_client, applicant, make_recommended, staff_user, django_capture_on_commit_callbacks
):
    from grants.services.letters import issue_letters

    application = make_recommended({2026: "60000"})
    decide(staff_client, application, django_capture_on_commit_callbacks, amount_2026="60.000")
    first = Letter.objects.get(application=application)
    issue_letters(decision=application.decision, actor=staff_user)
    page = visible_text(
        applicant.get(reverse("mine:detail", args=[application.pk])).content.decode()
    )
    assert Letter.objects.filter(application=application).count() == 2
    assert Letter.objects.filter(pk=first.pk).exists()
    assert "erstattet af en senere afgørelse" in page


def test_an_associations_letters_are_addressed_to_the_association(
    staff_client, make_recommended, municipality, django_capture_on_commit_callbacks
):
    """The letter named the applicant by its department: an association's letter said
    "None" where its name belongs, in the address and in the agreement's signature."""
    from grants.models import Application
    from portal.models import Organisation

    association = Organisation.objects.create(municipality=municipality, name="Foreningen FISKEN")
    application = make_recommended({2026: "100000", 2027: "100000"})
    Application.objects.filter(pk=application.pk).update(department=None, organisation=association)
    application.refresh_from_db()
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        amount_2027="100.000",
    )
    for letter in Letter.objects.filter(application=application):
        url = reverse("sekretariat:letter", args=[letter.pk])
        text = pdf_text(download(staff_client, url))
        assert "Foreningen FISKEN" in text, letter.kind
        assert "None" not in text, letter.kind
        if letter.kind == LetterKind.DECISION:
            # The page gives the same guidance as the letter, in full (fresh eyes round 20).
            person = new_person(organisation=association, email="a@example.dk", name="Anna")
            reader = Client()
            reader.force_login(person)
            page = visible_text(
                reader.get(reverse("mine:detail", args=[application.pk])).content.decode()
            )
            assert "Klagevejledning" in page and "Folketingets Ombudsmand" in page
            assert "12 måneder" in page and "genovervejes" in page
            # An association is told where to turn (forvaltningsloven § 25).
            assert "Klagevejledning" in text
            assert "kan ikke påklages til anden administrativ myndighed" in text
            assert "Folketingets Ombudsmand" in text and "12 måneder" in text
            assert "samarbejdsaftale med forvaltningen" in text
            # How the money comes, and that it cannot without the CVR number the
            # municipality lacks (fresh eyes round 31), on the page and in the letter; what
            # to do comes before the reasons and the guidance.
            for said in (page, text):
                assert "foreningens NemKonto" in said
                assert "kender endnu ikke foreningens CVR-nummer" in said
            assert page.index("Udbetaling") < page.index("Klagevejledning")
            assert page.index("Vilkår") < page.index("Klagevejledning")
    # Staff see it too, before and after they decide (recheck round 32).
    staff_page = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    assert 'data-testid="no-cvr"' in staff_page.content.decode()
    association.cvr = "12345674"
    association.save()
    staff_page = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    assert 'data-testid="no-cvr"' not in staff_page.content.decode()
    decision = Decision.objects.get(application=application)
    from grants.documents.letters import payment_text

    assert "NemKonto" in payment_text(decision)
    assert "kender endnu ikke" not in payment_text(decision)


def test_the_letter_names_whom_to_ask(demo):
    """Fresh eyes round 10: the letter was signed by the municipality and named no one."""
    from grants.documents.letters import decision_letter_pdf
    from grants.models import Application, Pool

    application = Application.objects.filter(decision__isnull=False).first()
    Pool.objects.filter(pk=application.pool_id).update(contact="Puljesekretariatet, tlf. 1234")
    application.refresh_from_db()
    text = pdf_text(decision_letter_pdf(application.decision))
    assert "Spørgsmål til beslutningen Puljesekretariatet, tlf. 1234" in text


def test_a_letter_to_an_association_carries_its_postal_address(demo):
    """Fresh eyes round 12: the letter named the association and its contact, but not the
    address the association had given."""
    from grants.documents.letters import decision_letter_pdf
    from grants.models import Application
    from portal.models import Organisation

    application = Application.objects.filter(
        decision__isnull=False, organisation__isnull=False
    ).first()
    Organisation.objects.filter(pk=application.organisation_id).update(
        address="c/o Søren Østergård\nBlågårdsgade 5, 2. tv.\n2200 København N"
    )
    application.refresh_from_db()
    text = pdf_text(decision_letter_pdf(application.decision))
    assert "c/o Søren Østergård Blågårdsgade 5, 2. tv. 2200 København N" in " ".join(text.split())
    # Typed with the name in it, the name still stands once (fresh eyes round 29).
    name = application.applicant_name
    Organisation.objects.filter(pk=application.organisation_id).update(
        address=f"{name} c/o Søren Østergård\nBlågårdsgade 5, 2. tv.\n2200 København N"
    )
    application.refresh_from_db()
    text = " ".join(pdf_text(decision_letter_pdf(application.decision)).split())
    head = text[: text.index("Blågårdsgade")]
    assert head.count(name) == 1, head


def test_a_grant_from_before_the_portal_sets_no_agreement_task(client, demo):
    """Fresh eyes round 13: "Hent aftalen ovenfor" on an imported grant, with no agreement to
    fetch, and a dashboard task the caseworker could not do."""
    from grants.models import Application
    from portal.models import User

    application = (
        Application.objects.filter(
            decision__condition="cooperation_agreement",
            decision__agreement_signed_on__isnull=True,
            municipality__slug="frederiksberg",
        )
        .exclude(decision__source="")
        .first()
    )
    client.force_login(User.objects.get(username="frb-sagsbehandler"))
    dashboard = client.get(reverse("mine:dashboard")).content.decode()
    assert "Underskriv samarbejdsaftalen" not in dashboard  # the demo's are all imported
    page = client.get(reverse("mine:detail", args=[application.pk])).content.decode()
    assert "samarbejdsaftalen er lavet uden for portalen" in page
    assert "Hent aftalen ovenfor" not in page
