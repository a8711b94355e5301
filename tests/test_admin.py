"""The admin registrations and the article annotation workspace."""

import json

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse

from briefings import services
from briefings.annotate import workspace_html
from briefings.models import Actor, ActorAlias, Claim, ClaimActor, ReviewStatus, Verdict
from tests import factories

EMOJI_BODY = "Flags 🇷🇺🇨🇳 waved. Путин сказал: «Мы готовы». Xi said “we are ready” too."


def claim_post(article, quote, **fields):
    """POST data for the workspace's claim form, the span found in the body by its quote."""
    start = article.body.index(quote)
    return {
        "body_sha256": article.body_sha256,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "attribution_kind": "reported",
        "quote_type": "indirect",
        "claim_type": "factual",
        "verdict": "unverified",
        "cue": "said",
        **fields,
    }


class AdminPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = factories.UserFactory(is_superuser=True)
        cls.claim = factories.ClaimFactory()
        factories.BriefingFactory(claims=[cls.claim])

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_every_registered_model_has_working_changelist_and_add_pages(self):
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            with self.subTest(model=opts.label):
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                self.assertEqual(self.client.get(url).status_code, 200)
                self.assertEqual(self.client.get(url, {"q": "putin"}).status_code, 200)
                if model_admin.has_add_permission(self.client.request().wsgi_request):
                    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
                    self.assertEqual(self.client.get(add).status_code, 200)

    def test_change_and_history_pages_of_the_main_models_load(self):
        for obj in [
            self.claim,
            self.claim.article,
            self.claim.speaker,
            self.claim.article.source,
            self.claim.briefings.get(),
        ]:
            opts = obj._meta
            with self.subTest(model=opts.label):
                change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                self.assertEqual(self.client.get(change).status_code, 200)
                history = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
                )
                self.assertEqual(self.client.get(history).status_code, 200)

    def test_actor_search_matches_aliases(self):
        xi = factories.ActorFactory(name="Xi Jinping")
        ActorAlias.objects.create(actor=xi, name="Си Цзиньпин", language="ru")
        response = self.client.get(reverse("admin:briefings_actor_changelist"), {"q": "Цзиньпин"})
        self.assertContains(response, "Xi Jinping")

    def test_actor_autocomplete_matches_aliases(self):
        xi = factories.ActorFactory(name="Xi Jinping")
        ActorAlias.objects.create(actor=xi, name="the Chinese president")
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "term": "chinese pres",
                "app_label": "briefings",
                "model_name": "claim",
                "field_name": "speaker",
            },
        )
        self.assertEqual([r["text"] for r in response.json()["results"]], ["Xi Jinping"])

    def test_claim_changelist_links_to_article_and_speaker(self):
        response = self.client.get(reverse("admin:briefings_claim_changelist"))
        self.assertContains(
            response, reverse("admin:briefings_article_change", args=[self.claim.article_id])
        )
        self.assertContains(
            response, reverse("admin:briefings_actor_change", args=[self.claim.speaker_id])
        )

    def test_claim_changelist_runs_a_fixed_number_of_queries(self):
        url = reverse("admin:briefings_claim_changelist")
        self.client.get(url)  # warm the content type and session caches
        # 1 session, 2 user, 3-4 speakers and sources for the related-only filters,
        # 5 articles for the article filter, 6-7 filtered and total counts, 8 the page
        # with article and speaker joined and open comments counted, 9-10 the date
        # hierarchy's range and days.
        with self.assertNumQueries(10):
            self.client.get(url)
        factories.ClaimFactory.create_batch(5)
        with self.assertNumQueries(10):
            self.client.get(url)


class AnnotatedBodyTests(TestCase):
    def test_text_of_the_rendered_body_is_the_body(self):
        article = factories.ArticleFactory(body="a <b> & c")
        claim = factories.ClaimFactory(article=article, quote="<b>")
        html = workspace_html(article.body, [claim])
        self.assertIn("&lt;b&gt;", html)
        self.assertIn(f'data-claim="{claim.pk}"', html)

    def test_nested_and_overlapping_claims_nest_their_marks(self):
        article = factories.ArticleFactory(body="one two three four")
        outer = factories.ClaimFactory(article=article, quote="one two three")
        inner = factories.ClaimFactory(article=article, quote="two")
        overlapping = factories.ClaimFactory(article=article, quote="three four")
        html = workspace_html(article.body, [outer, inner, overlapping])
        self.assertIn(f'data-claim="{outer.pk}" data-marker="#{outer.pk} ?">', html.split("two")[0])
        # "two" sits inside both the outer and the inner claim's marks.
        before_two = html.split(">two<")[0]
        self.assertEqual(before_two.count("<mark") - before_two.count("</mark>"), 2)
        # "three" is covered by the outer and the overlapping claim, drawn on distinct levels.
        self.assertIn(f'level-1" data-claim="{overlapping.pk}"', html.replace(" claim-start", ""))
        self.assertEqual(html.count("claim-start"), 3)


class AnnotationWorkspaceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.speaker = factories.ActorFactory(name="Vladimir Putin")
        cls.about = factories.ActorFactory(name="Xi Jinping")
        cls.article = factories.ArticleFactory(body=EMOJI_BODY)
        cls.url = reverse("admin:briefings_article_claim_save", args=[cls.article.pk])

    def setUp(self):
        self.client.force_login(self.editor)

    def test_change_page_shows_the_text_with_claims_highlighted_and_listed(self):
        claim = factories.ClaimFactory(article=self.article, quote="«Мы готовы»")
        response = self.client.get(
            reverse("admin:briefings_article_change", args=[self.article.pk])
        )
        self.assertContains(response, '<mark class="claim verdict-unverified level-0 claim-start"')
        self.assertContains(response, f'id="claim-{claim.pk}"')
        self.assertContains(response, "New claim from selection")
        payload = json.loads(
            response.content.decode()
            .split('id="annotator-claims" type="application/json">')[1]
            .split("</script>")[0]
        )
        self.assertEqual(payload[str(claim.pk)]["start"], claim.start)

    def test_saving_a_claim_after_emoji_and_cyrillic_stores_code_point_offsets(self):
        data = claim_post(
            self.article,
            "we are ready",
            speaker=self.speaker.pk,
            about=[self.about.pk],
        )
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200, response.content)
        claim = Claim.objects.get()
        self.assertEqual(self.article.body[claim.start : claim.end], "we are ready")
        self.assertEqual(claim.start, EMOJI_BODY.index("we are ready"))
        self.assertEqual(claim.prefix, EMOJI_BODY[: claim.start][-32:])
        self.assertEqual(claim.suffix, "” too.")
        self.assertEqual(claim.created_by, self.editor)
        self.assertEqual(list(claim.about.all()), [self.about])
        self.assertEqual(claim.history.first().history_user, self.editor)
        body = response.json()
        self.assertEqual(body["claim"]["id"], claim.pk)
        # A new claim: the text is redrawn with its span, and its item goes in the list.
        self.assertIn(f'data-claim="{claim.pk}"', body["body_html"])
        self.assertEqual(body["list"], "anchored")
        self.assertIn(f'id="claim-{claim.pk}"', body["item_html"])

    def test_a_span_whose_text_is_not_the_quote_is_refused_on_the_quote_field(self):
        data = claim_post(self.article, "we are ready", speaker=self.speaker.pk)
        data["start"] += 1
        data["end"] += 1
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("not the quote", response.json()["errors"]["quote"][0])
        self.assertFalse(Claim.objects.exists())

    def test_a_span_past_the_end_of_the_body_is_refused_on_the_end_field(self):
        data = claim_post(self.article, "too.", speaker=self.speaker.pk)
        data["end"] = len(EMOJI_BODY) + 3
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("past the end of the article body", response.json()["errors"]["end"][0])

    def test_an_attributed_claim_without_speaker_is_refused_on_the_speaker_field(self):
        response = self.client.post(self.url, claim_post(self.article, "we are ready"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["errors"]["speaker"], ["An attributed claim needs a speaker."]
        )

    def test_a_claim_saved_from_a_stale_form_is_refused(self):
        claim = factories.ClaimFactory(article=self.article, quote="we are ready")
        data = claim_post(
            self.article,
            "we are ready",
            speaker=claim.speaker_id,
            claim=claim.pk,
            edit_version=claim.version,
        )
        claim.cue = "stated"
        claim.save()
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 409)
        self.assertIn("was changed", response.json()["errors"]["__all__"][0])

    def test_editing_a_claim_updates_it_and_its_about_links(self):
        claim = factories.ClaimFactory(
            article=self.article, quote="we are ready", about=[self.speaker]
        )
        data = claim_post(
            self.article,
            "«Мы готовы»",
            speaker=self.speaker.pk,
            claim=claim.pk,
            edit_version=claim.version,
            about=[self.about.pk],
            verdict=Verdict.ACCURATE,
        )
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200, response.content)
        claim.refresh_from_db()
        self.assertEqual(claim.quote, "«Мы готовы»")
        self.assertEqual(claim.verdict, Verdict.ACCURATE)
        self.assertEqual(list(ClaimActor.objects.values_list("actor", flat=True)), [self.about.pk])

    def test_a_save_against_changed_article_text_is_refused(self):
        data = claim_post(self.article, "we are ready", speaker=self.speaker.pk)
        data["body_sha256"] = "0" * 64
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 409)
        self.assertIn("text changed", response.json()["errors"]["__all__"][0])

    def test_the_claim_endpoint_answers_json_for_get_and_unknown_claims(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)
        data = claim_post(self.article, "we are ready", claim="999999")
        self.assertEqual(self.client.post(self.url, data).status_code, 404)
        data["claim"] = "not-a-number"
        self.assertEqual(self.client.post(self.url, data).status_code, 404)

    def test_a_viewer_without_claim_rights_cannot_save_claims(self):
        viewer = factories.UserFactory()
        viewer.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_article", "change_article"])
        )
        self.client.force_login(viewer)
        data = claim_post(self.article, "we are ready", speaker=self.speaker.pk)
        self.assertEqual(self.client.post(self.url, data).status_code, 403)


class ArticleBodyEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def post_article(self, article, **changes):
        data = {
            "title": article.title,
            "slug": article.slug,
            "source": article.source_id,
            "url": "",
            "byline": "",
            "language": "en",
            "body": article.body,
            "edit_version": article.version,
            "published_at_0": "",
            "published_at_1": "",
            "retrieved_at_0": "",
            "retrieved_at_1": "",
            **changes,
        }
        return self.client.post(reverse("admin:briefings_article_change", args=[article.pk]), data)

    def test_changing_the_text_reanchors_claims_and_queues_the_lost_ones(self):
        article = factories.ArticleFactory()
        kept = factories.ClaimFactory(article=article, quote="We will deepen cooperation")
        lost = factories.ClaimFactory(
            article=article, quote="Critics said the summit changed little."
        )
        new_body = "Update: " + article.body.replace(lost.quote, "Critics disagreed.")
        response = self.post_article(article, body=new_body.replace("\n", "\r\n"))
        self.assertEqual(response.status_code, 302)
        kept.refresh_from_db()
        lost.refresh_from_db()
        self.assertEqual(new_body[kept.start : kept.end], kept.quote)
        self.assertIsNone(lost.start)
        self.assertContains(self.client.get(response.url), "could no longer be found")
        queue = self.client.get(
            reverse("admin:briefings_claim_changelist"), {"anchoring": "orphaned"}
        )
        self.assertEqual(list(queue.context["cl"].result_list), [lost])

    def test_an_orphan_can_be_reanchored_by_its_quote_or_retired(self):
        article = factories.ArticleFactory()
        orphan = factories.ClaimFactory(article=article, quote="We will deepen cooperation")
        Claim.objects.filter(pk=orphan.pk).update(start=None, end=None)
        changelist = reverse("admin:briefings_claim_changelist")
        self.client.post(
            changelist, {"action": "reanchor_by_quote", "_selected_action": [orphan.pk]}
        )
        orphan.refresh_from_db()
        self.assertEqual(article.body[orphan.start : orphan.end], orphan.quote)
        Claim.objects.filter(pk=orphan.pk).update(start=None, end=None)
        retire = {"action": "retire", "_selected_action": [orphan.pk]}
        self.assertContains(self.client.post(changelist, retire), "Retire these?")
        orphan.refresh_from_db()
        self.assertNotEqual(orphan.review_status, ReviewStatus.RETIRED)
        self.client.post(changelist, {**retire, "confirm": "yes"})
        orphan.refresh_from_db()
        self.assertEqual(orphan.review_status, ReviewStatus.RETIRED)
        self.assertFalse(Claim.objects.orphaned().exists())


class ActorMergeTests(TestCase):
    def merge(self, user, keep, merge):
        self.client.force_login(user)
        url = reverse("admin:briefings_actor_changelist")
        selected = {"action": "merge_actors", "_selected_action": [keep.pk, merge.pk]}
        confirm = self.client.post(url, selected)
        self.assertContains(confirm, "Which actor do you keep?")
        return self.client.post(url, {**selected, "keep": keep.pk}, follow=True)

    def test_an_editor_merges_claims_and_names_onto_the_kept_actor(self):
        editor = factories.editor()
        keep = factories.ActorFactory(name="Xi Jinping")
        merge = factories.ActorFactory(name="Xi")
        ActorAlias.objects.create(actor=merge, name="习近平")
        claim = factories.ClaimFactory(speaker=merge, about=[merge])
        response = self.merge(editor, keep, merge)
        self.assertContains(response, "Merged Xi into Xi Jinping.")
        claim.refresh_from_db()
        self.assertEqual(claim.speaker, keep)
        self.assertEqual(list(claim.about.all()), [keep])
        self.assertFalse(Actor.objects.filter(pk=merge.pk).exists())
        self.assertEqual(set(keep.aliases.values_list("name", flat=True)), {"Xi", "习近平"})
        # The merge is in the history of both actors and of the moved links, by the editor.
        reason = f"Merged Xi (#{merge.pk}) into Xi Jinping (#{keep.pk})"
        for record in [
            keep.history.first(),
            Actor.history.filter(id=merge.pk).first(),
            ClaimActor.history.filter(claim_id=claim.pk).first(),
        ]:
            self.assertEqual((record.history_user, record.history_change_reason), (editor, reason))

    def test_editors_merge_but_only_reviewers_delete_actors(self):
        actor = factories.ActorFactory()
        delete_url = reverse("admin:briefings_actor_delete", args=[actor.pk])
        self.client.force_login(factories.editor())
        changelist = self.client.get(reverse("admin:briefings_actor_changelist"))
        self.assertContains(changelist, 'value="merge_actors"')
        self.assertNotContains(changelist, 'value="delete_selected"')
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
        self.client.force_login(factories.reviewer())
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Actor.objects.filter(pk=actor.pk).exists())

    def test_someone_who_may_only_view_actors_cannot_merge(self):
        viewer = factories.UserFactory()
        viewer.user_permissions.add(*Permission.objects.filter(codename="view_actor"))
        keep, merge = factories.ActorFactory.create_batch(2)
        self.client.force_login(viewer)
        url = reverse("admin:briefings_actor_changelist")
        self.assertNotContains(self.client.get(url), "merge_actors")
        self.client.post(
            url,
            {"action": "merge_actors", "_selected_action": [keep.pk, merge.pk], "keep": keep.pk},
        )
        self.assertTrue(Actor.objects.filter(pk=merge.pk).exists())
        with self.assertRaisesMessage(PermissionDenied, "permission to merge actors"):
            services.actor_merge(keep=keep, merge=merge, by=viewer)


class ClaimActionTests(TestCase):
    def test_set_verdict_action_sets_the_chosen_verdict(self):
        self.client.force_login(factories.editor())
        claims = factories.ClaimFactory.create_batch(2)
        self.client.post(
            reverse("admin:briefings_claim_changelist"),
            {
                "action": "set_verdict",
                "verdict": Verdict.MISLEADING,
                "_selected_action": [c.pk for c in claims],
            },
        )
        self.assertEqual(set(Claim.objects.values_list("verdict", flat=True)), {Verdict.MISLEADING})

    def test_reviewers_mark_claims_reviewed_and_editors_cannot(self):
        claim = factories.ClaimFactory(unreviewed=True)
        url = reverse("admin:briefings_claim_changelist")
        data = {"action": "mark_reviewed", "_selected_action": [claim.pk]}
        self.client.force_login(factories.editor())
        self.client.post(url, data)
        claim.refresh_from_db()
        self.assertEqual(claim.review_status, ReviewStatus.UNREVIEWED)
        reviewer = factories.reviewer()
        self.client.force_login(reviewer)
        self.client.post(url, data)
        claim.refresh_from_db()
        self.assertEqual(claim.review_status, ReviewStatus.REVIEWED)
        self.assertEqual(claim.reviewed_by, reviewer)


class WorkspaceRetireTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.article = factories.ArticleFactory()
        cls.orphan = factories.ClaimFactory(article=cls.article, unreviewed=True)
        Claim.objects.filter(pk=cls.orphan.pk).update(start=None, end=None)

    def url(self, claim, article=None):
        article = article or self.article
        return reverse("admin:briefings_article_claim_retire", args=[article.pk, claim.pk])

    def test_the_workspace_offers_to_retire_orphans(self):
        self.client.force_login(self.editor)
        page = self.client.get(reverse("admin:briefings_article_change", args=[self.article.pk]))
        self.assertContains(page, f'action="{self.url(self.orphan)}"')

    def test_retiring_from_the_page_script_takes_the_orphan_out_of_the_list(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url(self.orphan), headers={"accept": "application/json"})
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        self.assertEqual((answer["list"], answer["item_html"]), (None, ""))
        self.orphan.refresh_from_db()
        self.assertEqual(self.orphan.review_status, ReviewStatus.RETIRED)
        record = self.orphan.history.first()
        self.assertEqual(
            (record.history_change_reason, record.history_user), ("Retired", self.editor)
        )

    def test_retiring_without_the_script_goes_back_to_the_page(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url(self.orphan), follow=True)
        self.assertContains(response, f"Retired claim #{self.orphan.pk}.")
        self.assertContains(response, '<section class="claim-orphans" hidden>')

    def test_retiring_needs_post_change_rights_and_a_claim_of_this_article(self):
        viewer = factories.UserFactory()
        viewer.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
        other_article = factories.ArticleFactory()
        self.client.force_login(viewer)
        self.assertEqual(self.client.post(self.url(self.orphan)).status_code, 403)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(self.url(self.orphan)).status_code, 405)
        self.assertEqual(self.client.post(self.url(self.orphan, other_article)).status_code, 404)
        self.orphan.refresh_from_db()
        self.assertEqual(self.orphan.review_status, ReviewStatus.UNREVIEWED)
