"""The SCO facts' evidence links in their history: recorded, shown, reverted, kept by merges."""

from django.test import TestCase
from django.urls import reverse

from briefings import services
from briefings.history import m2m_targets
from briefings.models import ActorKind
from sco.models import (
    Meeting,
    MeetingKind,
    Membership,
    Milestone,
    Participation,
    ParticipationCapacity,
    ParticipationStatus,
    Summit,
)
from tests import factories


def form_data(response, **changes):
    """The POST data of an admin change (or revert) form as the page shows it, with changes."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif value is not None:
            data[name] = str(value)
    # A revert form has no inlines. The facts here have no inline rows: none are sent.
    context = response.context
    inlines = context["inline_admin_formsets"] if "inline_admin_formsets" in context else []
    for inline in inlines:
        data[f"{inline.formset.prefix}-TOTAL_FORMS"] = 0
        data[f"{inline.formset.prefix}-INITIAL_FORMS"] = 0
    data.update(changes)
    return data


def sco_facts():
    """One of each SCO fact with evidence, none linked to any claim yet."""
    summit = factories.SummitFactory()
    state = factories.ActorFactory(kind=ActorKind.STATE)
    return [
        factories.MembershipFactory(),
        summit,
        Participation.objects.create(
            summit=summit,
            participant=state,
            capacity=ParticipationCapacity.MEMBER,
            status=ParticipationStatus.IN_PERSON,
        ),
        Meeting.objects.create(slug="talks", title="Talks", kind=MeetingKind.BILATERAL),
        Milestone.objects.create(slug="founding", title="Founding", year=2001),
    ]


def admin_url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


class EvidenceHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor(username="ana")
        cls.claims = factories.ClaimFactory.create_batch(2)

    def setUp(self):
        self.client.force_login(self.editor)

    def save(self, obj, **changes):
        page = self.client.get(admin_url(obj, "change"))
        response = self.client.post(admin_url(obj, "change"), form_data(page, **changes))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))

    def test_adding_and_removing_evidence_in_the_admin_is_recorded_and_shown(self):
        first, second = self.claims
        for obj in sco_facts():
            with self.subTest(type(obj).__name__):
                evidence = type(obj)._meta.get_field("evidence")
                self.save(obj, evidence=[first.pk, second.pk])
                added, before = obj.history.all()[:2]
                self.assertEqual(added.history_user, self.editor)
                self.assertEqual(added.diff_against(before).changed_fields, ["evidence"])
                self.assertEqual(m2m_targets(added, evidence), {first.pk, second.pk})

                self.save(obj, evidence=[second.pk])
                removed = obj.history.first()
                self.assertEqual(removed.history_user, self.editor)
                self.assertEqual(removed.diff_against(added).changed_fields, ["evidence"])
                self.assertEqual(m2m_targets(removed, evidence), {second.pk})

                page = self.client.get(admin_url(obj, "history"))
                self.assertContains(page, f"+ evidence: #{first.pk} {first}")
                self.assertContains(page, f"+ evidence: #{second.pk} {second}")
                self.assertContains(page, f"− evidence: #{first.pk} {first}")

    def test_saving_without_changing_the_evidence_records_no_version(self):
        for obj in sco_facts():
            with self.subTest(type(obj).__name__):
                self.save(obj, evidence=[self.claims[0].pk])
                versions = obj.history.count()
                self.save(obj)
                self.assertEqual(obj.history.count(), versions)

    def test_reverting_in_the_admin_restores_the_evidence_of_the_version(self):
        first, second = self.claims
        membership = factories.MembershipFactory()
        self.save(membership, evidence=[first.pk])
        version = membership.history.first()
        self.save(membership, evidence=[second.pk], date_text="later")

        revert_url = admin_url(membership, "simple_history", version.history_id)
        page = self.client.get(revert_url)
        response = self.client.post(revert_url, form_data(page))
        self.assertEqual(response.status_code, 302)
        membership.refresh_from_db()
        self.assertEqual(list(membership.evidence.all()), [first])
        self.assertEqual(membership.date_text, "")
        reverted = membership.history.first()
        self.assertEqual(reverted.history_user, self.editor)
        self.assertIn("Reverted", reverted.history_change_reason)
        self.assertEqual(m2m_targets(reverted, Membership._meta.get_field("evidence")), {first.pk})

    def test_the_revert_service_restores_a_summits_evidence(self):
        first, second = self.claims
        summit = factories.SummitFactory()
        self.save(summit, evidence=[first.pk])
        version = summit.history.first()
        self.save(summit, evidence=[second.pk])

        services.history_revert(record=version, by=self.editor)
        self.assertEqual(list(Summit.objects.get(pk=summit.pk).evidence.all()), [first])
        self.assertEqual(summit.history.first().diff_against(version).changed_fields, [])

    def test_a_revert_names_evidence_deleted_since(self):
        gone = factories.ClaimFactory()
        milestone = Milestone.objects.create(slug="charter", title="Charter", year=2002)
        self.save(milestone, evidence=[gone.pk, self.claims[0].pk])
        version = milestone.history.first()
        gone_pk = gone.pk
        gone.delete()

        revert = services.history_revert(record=version, by=self.editor)
        self.assertEqual(revert.skipped, [f"evidence: claim #{gone_pk} no longer exists"])
        self.assertEqual(list(milestone.evidence.all()), [self.claims[0]])

    def test_merging_a_state_keeps_its_memberships_evidence_in_history(self):
        membership = factories.MembershipFactory()
        self.save(membership, evidence=[self.claims[0].pk])
        merged = membership.state
        keep = factories.ActorFactory(kind=ActorKind.STATE)

        services.actor_merge(keep=keep, merge=merged, by=self.editor)
        moved, before = membership.history.all()[:2]
        self.assertEqual(moved.history_user, self.editor)
        self.assertIn("Merged", moved.history_change_reason)
        self.assertEqual(moved.diff_against(before).changed_fields, ["state"])
        evidence = Membership._meta.get_field("evidence")
        self.assertEqual(m2m_targets(moved, evidence), {self.claims[0].pk})
