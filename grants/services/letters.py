"""Issuing the case's letters when a decision is recorded (issue 16, item 7).

`issue_letters` runs inside the decision's transaction (grants.services.decisions), so the
letters exist exactly when the decision does. Each letter is rendered once, in Danish (an
official document of a Danish authority), and stored with its checksum; it is never
re-rendered or changed afterwards (grants.models.Letter refuses it)."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from grants.documents.letters import agreement_pdf, decision_letter_pdf
from grants.models import Decision, GrantCondition, Letter, LetterKind
from grants.models.letters import file_stem


def _store(*, decision: Decision, kind: str, content: bytes, actor) -> Letter:
    letter = Letter(
        application=decision.application,
        decision=decision,
        kind=kind,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_by=actor,
    )
    stem = file_stem(kind, decision.application)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")  # as the reader's clock says
    letter.file.save(f"{stem}-{stamp}.pdf", ContentFile(content), save=False)
    letter.save()
    return letter


def issue_letters(*, decision: Decision, actor) -> list[Letter]:
    """The decision letter, and the cooperation agreement when the grant needs one (the pool's
    threshold, `Pool.evaluation_threshold`: at or over it, `GrantCondition.COOPERATION_AGREEMENT`).
    Call inside the decision's transaction."""
    issued = timezone.localdate()
    letters = []
    with translation.override(settings.LANGUAGE_CODE):
        content = decision_letter_pdf(decision, issued=issued)
        letters.append(
            _store(decision=decision, kind=LetterKind.DECISION, content=content, actor=actor)
        )
        if decision.condition == GrantCondition.COOPERATION_AGREEMENT:
            content = agreement_pdf(decision, issued=issued)
            letters.append(
                _store(decision=decision, kind=LetterKind.AGREEMENT, content=content, actor=actor)
            )
    return letters
