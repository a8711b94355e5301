"""Review comments on claims: who may edit, move, delete and resolve them, and their history."""

from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from briefings import services
from briefings.models import ClaimComment
from tests import factories

# role -> may edit the text, move it in the thread and delete it. Resolving is everyone's.
MAY_CHANGE = {"author": True, "other": False, "reviewer": True}


def claim_page_data(client, claim):
    """
    POST data for the claim's change page as it loads: the claim form, its
    version, and every inline's stored rows (no extra rows).
    """
    page = client.get(reverse("admin:briefings_claim_change", args=[claim.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["edit_version"] = form["edit_version"].value()
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        rows = formset.initial_forms
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{formset.prefix}-INITIAL_FORMS"] = len(rows)
        for row in rows:
            for name in row.fields:
                value = row[name].value()
                if value is not None:
                    data[row.add_prefix(name)] = value
    return data


def inline_row(data, comment):
    """The prefix of the claim page's inline row that holds `comment`."""
    for key, value in data.items():
        if key.startswith("comments-") and key.endswith("-id") and value == comment.pk:
            return key.removesuffix("-id")
    raise LookupError(f"No row for comment #{comment.pk}.")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class CommentTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "author": factories.editor(username="author"),
            "other": factories.editor(username="other"),
            "reviewer": factories.reviewer(username="reviewer"),
        }
        cls.author = cls.users["author"]
        cls.claim = factories.ClaimFactory()
        # The comment under test is a reply to this one, which it may be moved away from.
        cls.question = ClaimComment.objects.create(
            claim=cls.claim, author=factories.editor(username="third"), body="Source?"
        )
        cls.answer = ClaimComment.objects.create(
            claim=cls.claim, author=cls.author, parent=cls.question, body="The release."
        )

    def comment(self, **fields):
        """A fresh comment by the author (the previous subtest may have deleted one)."""
        return ClaimComment.objects.create(
            claim=self.claim, author=self.author, body="Original text.", **fields
        )

    def stored(self, comment):
        return ClaimComment.objects.filter(pk=comment.pk).first()

    def change_url(self, comment):
        return reverse("admin:briefings_claimcomment_change", args=[comment.pk])


class CommentPermissionMatrixTests(CommentTestCase):
    """{author Editor, other Editor, Reviewer} × every path that writes a comment."""

    def test_edit_text_via_change_form(self):
        for role, allowed in MAY_CHANGE.items():
            with self.subTest(role=role):
                comment = self.comment()
                self.client.force_login(self.users[role])
                response = self.client.post(
                    self.change_url(comment), {"parent": "", "body": "Rewritten."}
                )
                self.assertEqual(response.status_code, 302 if allowed else 403)
                body = self.stored(comment).body
                self.assertEqual(body, "Rewritten." if allowed else "Original text.")

    def test_move_parent_via_change_form(self):
        for role, allowed in MAY_CHANGE.items():
            with self.subTest(role=role):
                comment = self.comment()
                self.client.force_login(self.users[role])
                response = self.client.post(
                    self.change_url(comment), {"parent": self.answer.pk, "body": comment.body}
                )
                self.assertEqual(response.status_code, 302 if allowed else 403)
                parent = self.stored(comment).parent
                self.assertEqual(parent, self.answer if allowed else None)

    def test_delete_via_delete_view(self):
        for role, allowed in MAY_CHANGE.items():
            with self.subTest(role=role):
                comment = self.comment()
                self.client.force_login(self.users[role])
                url = reverse("admin:briefings_claimcomment_delete", args=[comment.pk])
                page = self.client.get(url)
                response = self.client.post(url, {"post": "yes"})
                self.assertEqual(self.stored(comment) is None, allowed)
                if allowed:
                    self.assertEqual(page.status_code, 200)
                else:
                    self.assertRedirects(page, self.change_url(comment))
                    self.assertRedirects(response, self.change_url(comment))
                    self.assertIn(
                        f"Not deleted — Only its author (author) or a reviewer may delete "
                        f"comment #{comment.pk}.",
                        messages_of(response),
                    )

    def test_bulk_delete_action(self):
        changelist = reverse("admin:briefings_claimcomment_changelist")
        for role, allowed in MAY_CHANGE.items():
            with self.subTest(role=role):
                comment = self.comment()
                self.client.force_login(self.users[role])
                selected = {"action": "delete_selected", "_selected_action": [comment.pk]}
                confirm = self.client.post(changelist, selected)
                response = self.client.post(changelist, {**selected, "post": "yes"})
                self.assertEqual(self.stored(comment) is None, allowed)
                if allowed:
                    self.assertTemplateUsed(confirm, "admin/delete_selected_confirmation.html")
                else:
                    self.assertRedirects(confirm, changelist)
                    self.assertIn(
                        f"Nothing deleted — Only its author (author) or a reviewer may delete "
                        f"comment #{comment.pk}.",
                        messages_of(response),
                    )

    def test_edit_via_claim_page_inline(self):
        for role, allowed in MAY_CHANGE.items():
            with self.subTest(role=role):
                comment = self.comment()
                self.client.force_login(self.users[role])
                data = claim_page_data(self.client, self.claim)
                row = inline_row(data, comment)
                data[f"{row}-body"] = "Rewritten."
                data[f"{row}-parent"] = self.answer.pk
                response = self.client.post(
                    reverse("admin:briefings_claim_change", args=[self.claim.pk]), data
                )
                # Others see the text and thread place but cannot change them.
                self.assertEqual(response.status_code, 302)
                stored = self.stored(comment)
                self.assertEqual(stored.body, "Rewritten." if allowed else "Original text.")
                self.assertEqual(stored.parent, self.answer if allowed else None)

    def test_delete_via_claim_page_inline(self):
        for role, allowed in MAY_CHANGE.items():
            with self.subTest(role=role):
                comment = self.comment()
                self.client.force_login(self.users[role])
                data = claim_page_data(self.client, self.claim)
                data[f"{inline_row(data, comment)}-DELETE"] = "on"
                response = self.client.post(
                    reverse("admin:briefings_claim_change", args=[self.claim.pk]), data
                )
                self.assertEqual(self.stored(comment) is None, allowed)
                if allowed:
                    self.assertEqual(response.status_code, 302)
                else:
                    self.assertContains(
                        response,
                        f"Not deleted — Only its author (author) or a reviewer may delete "
                        f"comment #{comment.pk}.",
                    )

    def test_resolve_via_action_and_claim_page_inline(self):
        changelist = reverse("admin:briefings_claimcomment_changelist")
        for role in MAY_CHANGE:
            user = self.users[role]
            with self.subTest(role=role, path="action"):
                comment = self.comment()
                self.client.force_login(user)
                self.client.post(
                    changelist, {"action": "resolve", "_selected_action": [comment.pk]}
                )
                stored = self.stored(comment)
                self.assertEqual((stored.is_resolved, stored.resolved_by), (True, user))
            with self.subTest(role=role, path="inline"):
                comment = self.comment()
                data = claim_page_data(self.client, self.claim)
                data[f"{inline_row(data, comment)}-is_resolved"] = "on"
                response = self.client.post(
                    reverse("admin:briefings_claim_change", args=[self.claim.pk]), data
                )
                self.assertEqual(response.status_code, 302)
                stored = self.stored(comment)
                self.assertEqual((stored.is_resolved, stored.resolved_by), (True, user))


class CommentRuleTests(CommentTestCase):
    def test_others_see_the_text_read_only_on_the_claim_page(self):
        comment = self.comment()
        self.client.force_login(self.users["other"])
        page = self.client.get(reverse("admin:briefings_claim_change", args=[self.claim.pk]))
        formset = next(
            inline.formset
            for inline in page.context["inline_admin_formsets"]
            if inline.formset.model is ClaimComment
        )
        row = next(form for form in formset.initial_forms if form.instance == comment)
        self.assertTrue(row.fields["body"].disabled)
        self.assertTrue(row.fields["parent"].disabled)
        self.assertFalse(row.fields["is_resolved"].disabled)
        self.assertContains(page, "Only its author (author) or a reviewer may edit or delete it.")

    def test_others_see_the_change_form_read_only(self):
        comment = self.comment()
        self.client.force_login(self.users["other"])
        page = self.client.get(self.change_url(comment))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="body"')
        self.assertNotContains(page, "/delete/")

    def test_a_comment_stays_on_its_claim(self):
        comment = self.comment()
        elsewhere = factories.ClaimFactory()
        self.client.force_login(self.users["reviewer"])
        response = self.client.post(
            self.change_url(comment),
            {"claim": elsewhere.pk, "parent": "", "body": "Moved?"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.stored(comment).claim, self.claim)

    def test_a_reply_must_be_on_the_same_claim(self):
        elsewhere = ClaimComment.objects.create(
            claim=factories.ClaimFactory(), author=self.author, body="On another claim."
        )
        self.client.force_login(self.author)
        response = self.client.post(
            reverse("admin:briefings_claimcomment_add"),
            {"claim": self.claim.pk, "parent": elsewhere.pk, "body": "Me too."},
        )
        self.assertContains(
            response, "A reply must be on the same claim as the comment it answers."
        )
        self.assertFalse(ClaimComment.objects.filter(body="Me too.").exists())

        comment = self.comment()
        response = self.client.post(
            self.change_url(comment), {"parent": elsewhere.pk, "body": comment.body}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(self.stored(comment).parent)

    def test_adding_a_comment_makes_the_user_its_author(self):
        self.client.force_login(self.users["other"])
        response = self.client.post(
            reverse("admin:briefings_claimcomment_add"),
            {"claim": self.claim.pk, "parent": self.question.pk, "body": "Checked it."},
        )
        self.assertEqual(response.status_code, 302)
        comment = ClaimComment.objects.get(body="Checked it.")
        self.assertEqual((comment.author, comment.parent), (self.users["other"], self.question))
        self.assertEqual(comment.history.get().history_user, self.users["other"])

    def test_a_comment_cannot_reply_to_its_own_reply(self):
        comment = self.comment()
        reply = self.comment(parent=comment)
        with self.assertRaisesMessage(
            ValidationError, "A comment cannot reply to itself or to one of its replies."
        ):
            services.comment_update(
                comment=comment, by=self.author, body=comment.body, parent=reply
            )
        self.assertIsNone(self.stored(comment).parent)

    def test_author_cannot_delete_a_comment_with_replies_by_others(self):
        comment = self.comment()
        reply = ClaimComment.objects.create(
            claim=self.claim, author=self.users["other"], parent=comment, body="Agreed."
        )
        with self.assertRaisesMessage(PermissionDenied, "has replies by others (other)"):
            services.comment_delete(comment=comment, by=self.author)
        self.assertIsNotNone(self.stored(reply))

        services.comment_delete(comment=comment, by=self.users["reviewer"])
        self.assertIsNone(self.stored(comment))
        self.assertIsNone(self.stored(reply))

    def test_unchanged_text_is_no_edit(self):
        comment = self.comment()
        services.comment_update(
            comment=comment, by=self.users["other"], body=comment.body, parent=None
        )
        self.assertEqual(comment.history.count(), 1)
        with self.assertRaisesMessage(
            PermissionDenied, "Only its author (author) or a reviewer may edit comment"
        ):
            services.comment_update(
                comment=comment, by=self.users["other"], body="Changed.", parent=None
            )

    def test_others_cannot_revert_a_comment_from_its_history(self):
        comment = self.comment()
        services.comment_update(comment=comment, by=self.author, body="Second text.", parent=None)
        first = comment.history.earliest()
        self.client.force_login(self.users["other"])
        url = reverse("admin:briefings_claimcomment_simple_history", args=[comment.pk, first.pk])
        response = self.client.post(url, {"is_resolved": ""})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.stored(comment).body, "Second text.")

    def test_author_can_revert_a_comment_from_its_history(self):
        comment = self.comment()
        services.comment_update(comment=comment, by=self.author, body="Second text.", parent=None)
        first = comment.history.earliest()
        self.client.force_login(self.author)
        url = reverse("admin:briefings_claimcomment_simple_history", args=[comment.pk, first.pk])
        response = self.client.post(url, {"parent": "", "body": first.body, "is_resolved": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.stored(comment).body, "Original text.")


class CommentHistoryTests(CommentTestCase):
    def test_create_edit_resolve_and_delete_are_recorded_with_who_did_them(self):
        other, reviewer = self.users["other"], self.users["reviewer"]
        claim_url = reverse("admin:briefings_claim_change", args=[self.claim.pk])

        self.client.force_login(self.author)
        data = claim_page_data(self.client, self.claim)
        # A new row, after the stored ones.
        index = data["comments-INITIAL_FORMS"]
        data["comments-TOTAL_FORMS"] = index + 1
        data[f"comments-{index}-body"] = "Is the date right?"
        self.assertEqual(self.client.post(claim_url, data).status_code, 302)
        comment = ClaimComment.objects.get(body="Is the date right?")
        self.assertEqual(comment.author, self.author)

        response = self.client.post(
            self.change_url(comment), {"parent": "", "body": "Is the date in the release right?"}
        )
        self.assertEqual(response.status_code, 302)

        self.client.force_login(other)
        self.client.post(
            reverse("admin:briefings_claimcomment_changelist"),
            {"action": "resolve", "_selected_action": [comment.pk]},
        )

        self.client.force_login(reviewer)
        self.client.post(
            reverse("admin:briefings_claimcomment_delete", args=[comment.pk]), {"post": "yes"}
        )
        self.assertIsNone(self.stored(comment))

        records = ClaimComment.history.filter(id=comment.pk).order_by("history_date", "history_id")
        self.assertEqual(
            [
                (r.history_type, r.history_user, r.body, r.is_resolved, r.history_change_reason)
                for r in records
            ],
            [
                ("+", self.author, "Is the date right?", False, None),
                ("~", self.author, "Is the date in the release right?", False, None),
                ("~", other, "Is the date in the release right?", True, "Resolved"),
                ("-", reviewer, "Is the date in the release right?", True, None),
            ],
        )

    def test_deleting_a_thread_records_each_deletion(self):
        comment = self.comment()
        reply = self.comment(parent=comment)
        reviewer = self.users["reviewer"]
        services.comment_delete(comment=comment, by=reviewer)
        deleted = ClaimComment.history.filter(history_type="-")
        self.assertEqual(
            {(record.id, record.history_user) for record in deleted},
            {(comment.pk, reviewer), (reply.pk, reviewer)},
        )

    def test_history_page_shows_the_versions(self):
        comment = self.comment()
        services.comment_update(comment=comment, by=self.author, body="Second text.", parent=None)
        self.client.force_login(self.users["other"])
        page = self.client.get(reverse("admin:briefings_claimcomment_history", args=[comment.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "2 versions")
