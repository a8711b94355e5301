"""The annotated article body: marks for plain, overlapping and nested spans."""

from unittest import mock

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from briefings import annotate
from briefings.annotate import Span, render
from tests import factories


def span(claim_id, start, end, verdict="accurate"):
    return Span(claim_id, start, end, verdict, 1)


class AnnotateTests(SimpleTestCase):
    def test_marks_a_span_and_links_it_to_the_claim(self):
        html = render("Xi met Putin.", [span(7, 0, 2)])
        self.assertEqual(
            html,
            '<p><mark class="claim-span span-accurate" data-claims="claim-7">'
            '<a href="/claims/7/" data-claim="7">Xi</a><span class="visually-hidden"> '
            "(claim 7: Accurate)</span></mark> met Putin.</p>\n",
        )

    def test_overlapping_spans_split_into_segments_naming_every_claim(self):
        html = render("abcdef", [span(1, 0, 4), span(2, 2, 6, "false")])
        self.assertIn('data-claims="claim-1">', html)
        self.assertIn(
            'class="claim-span span-accurate overlap" data-claims="claim-1 claim-2"', html
        )
        self.assertIn('data-claims="claim-2"><a href="/claims/2/" data-claim="2">ef</a>', html)

    def test_nested_span_links_the_innermost_claim(self):
        html = render("abcdef", [span(1, 0, 6), span(2, 2, 4)])
        self.assertIn('<a href="/claims/2/" data-claim="2">cd</a>', html)
        self.assertIn('<a href="/claims/1/" data-claim="1">ab</a>', html)

    def test_paragraphs_split_spans_and_text_is_escaped(self):
        html = render("a <b>\nc & d", [span(1, 2, 9)])
        self.assertEqual(html.count("<p>"), 2)
        self.assertIn("&lt;b&gt;", html)
        self.assertIn("c &amp;</a>", html)
        self.assertNotIn("<b>", html)

    def test_unmarked_text_and_blank_lines(self):
        self.assertEqual(render("one\n\ntwo", []), "<p>one</p>\n<p>two</p>\n")


class OneRendererTests(TestCase):
    def test_article_page_and_workspace_show_the_one_renderers_output(self):
        briefing = factories.published_briefing(claims=2)
        article = briefing.articles.get()
        outputs = []

        def recording(*args, **kwargs):
            outputs.append(render(*args, **kwargs))
            return outputs[-1]

        self.client.force_login(factories.editor())
        with mock.patch.object(annotate, "render", side_effect=recording):
            public = self.client.get(article.get_absolute_url())
            workspace = self.client.get(
                reverse("admin:briefings_article_change", args=[article.pk])
            )
        self.assertEqual(len(outputs), 2)
        self.assertContains(public, outputs[0])
        self.assertContains(workspace, outputs[1])
        self.assertIn("<mark", outputs[0])
        self.assertIn("<mark", outputs[1])
